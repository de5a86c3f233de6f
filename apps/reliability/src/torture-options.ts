// The torture script's options: how many seeds, kills, long-run sweeps and bad inputs, and
// `--quick` for a short pass.

export interface TortureOptions {
  seed: number;
  seeds: number;
  kills: number;
  longSweeps: number;
  badInputs: number;
  realTimeout: boolean;
  quick: boolean;
}

/** Reads the command line (`--help` prints the usage and exits). */
export function parseTortureArgs(argv: string[]): TortureOptions {
  const options: TortureOptions = {
    seed: 1000,
    seeds: 2,
    kills: 50,
    longSweeps: 60,
    badInputs: 80,
    realTimeout: false,
    quick: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => Number(argv[++i]);
    // `pnpm --filter … torture -- --quick` passes the `--` on.
    if (arg === '--') continue;
    if (arg === '--seed') options.seed = next();
    else if (arg === '--seeds') options.seeds = next();
    else if (arg === '--kills') options.kills = next();
    else if (arg === '--long-sweeps') options.longSweeps = next();
    else if (arg === '--bad-inputs') options.badInputs = next();
    else if (arg === '--real-timeout') options.realTimeout = true;
    else if (arg === '--quick') {
      options.quick = true;
      options.seeds = 1;
      options.kills = 12;
      options.longSweeps = 12;
      options.badInputs = 20;
    } else if (arg === '--help' || arg === '-h') {
      process.stderr.write(
        'usage: node scripts/torture.mjs [--seed N] [--seeds N] [--kills N] [--long-sweeps N] [--bad-inputs N] [--real-timeout] [--quick]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}
