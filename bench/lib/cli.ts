// Command line of `npm run bench`. Pure, so it is unit tested.

export const SECTIONS = ['procfs', 'collector', 'fallback', 'memory', 'render', 'startup', 'eventloop', 'lab', 'virttop', 'synthetic'] as const;
export type Section = (typeof SECTIONS)[number];

export interface CliOptions {
  only: Set<Section>;
  quick: boolean;
  labExtra: number | null;
  profile: boolean;
  sizes: number[] | null;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --only LIST      comma-separated sections (default: all):
                   ${SECTIONS.join(', ')}
  --quick          a fast smoke run (fewer sizes, iterations and ticks)
  --sizes LIST     domain counts for collector/fallback (default 10,100,500,1000)
  --lab-extra K    extra idle lab guests to start (default: enough for 6 running; quick: none)
  --profile        CPU-profile a 1000-domain tick (bench/results/tick-N.cpuprofile)
  -h, --help       this text

Prints a table; writes bench/results/latest.json.`;

export function parseCli(argv: readonly string[]): CliOptions {
  const o: CliOptions = { only: new Set(SECTIONS), quick: false, labExtra: null, profile: false, sizes: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--only': {
        const names = value().split(',').map((s) => s.trim()).filter(Boolean);
        for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section '${n}' (one of: ${SECTIONS.join(', ')})`);
        o.only = new Set(names as Section[]);
        break;
      }
      case '--quick':
        o.quick = true;
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--lab-extra': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 0 || v > 16) throw new Error('--lab-extra must be a whole number 0..16');
        o.labExtra = v;
        break;
      }
      case '--sizes': {
        const v = value().split(',').map(Number);
        if (!v.length || v.some((x) => !Number.isInteger(x) || x < 1 || x > 5000)) throw new Error('--sizes must be whole numbers 1..5000');
        o.sizes = v;
        break;
      }
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option '${a}'`);
    }
  }
  return o;
}
