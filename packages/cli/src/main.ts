export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`tessera: ${argv.join(' ')}\n`);
  return 0;
}
