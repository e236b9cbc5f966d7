// Placeholder until the demo command lands.
export async function run(_args: string[]): Promise<number> {
  console.error('该命令尚未实现：demo');
  return 2;
}
