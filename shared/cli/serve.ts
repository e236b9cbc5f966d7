// Placeholder until the serve command lands.
export async function run(_args: string[]): Promise<number> {
  console.error('该命令尚未实现：serve');
  return 2;
}
