// Placeholder until the scan command lands.
export async function run(_args: string[]): Promise<number> {
  console.error('该命令尚未实现：scan');
  return 2;
}
