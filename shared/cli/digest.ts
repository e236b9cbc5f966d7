// Placeholder until the digest command lands.
export async function run(_args: string[]): Promise<number> {
  console.error('该命令尚未实现：digest');
  return 2;
}
