/** `nianbao evaluate`: placeholder until the evaluation lands (next commit). */
export async function run(_args: string[]): Promise<number> {
  console.error('evaluate: not built yet');
  return 2;
}
