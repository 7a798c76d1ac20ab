import { InvalidArgumentError, type Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { createDriver } from '../../graph/driver.ts';
import { migrate } from '../../graph/migrate.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { latestClaimPeriod, RATING_PERIOD_UNITS, type RateJobPayload, type RateJobResult } from '../../jobs/rate-job.ts';
import { importIndicators } from '../../rating/import.ts';
import { doctorModelFile, loadRatingModel, loadSubjectModel } from '../../rating/load.ts';
import { isPeriodKey, PERIOD_HINT } from '../../rating/period.ts';
import { modelFileOf, runDoctorRating, runRating } from '../../rating/run-rating.ts';
import { openServices } from '../../runtime/services.ts';
import { locateNeo4j, locateStack } from '../../stack/stack.ts';

function parsePeriodOption(value: string): string {
  if (!isPeriodKey(value)) throw new InvalidArgumentError(`"${value}" is not ${PERIOD_HINT}`);
  return value;
}

const SUBJECT_CHOICES = ['both', 'institution', 'doctor'] as const;
type SubjectChoice = (typeof SUBJECT_CHOICES)[number];
function parseSubject(value: string): SubjectChoice {
  if (!(SUBJECT_CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${SUBJECT_CHOICES.join(', ')}`);
  return value as SubjectChoice;
}
const subjectsOf = (s: SubjectChoice) => (s === 'both' ? (['institution', 'doctor'] as const) : ([s] as const));

function parseUnit(value: string): (typeof RATING_PERIOD_UNITS)[number] {
  if (!(RATING_PERIOD_UNITS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${RATING_PERIOD_UNITS.join(', ')}`);
  return value as (typeof RATING_PERIOD_UNITS)[number];
}

export function registerRateCommands(program: Command): void {
  const rate = program
    .command('rate')
    .description('credit ratings (医保信用评价) of institutions and doctors for a period, with the indicator breakdown (docs/rating.md)')
    .option('--period <period>', `the period to rate: ${PERIOD_HINT} (default: the period of --unit holding the latest claim)`, parsePeriodOption)
    .option('--unit <unit>', `period length when --period is not given: ${RATING_PERIOD_UNITS.join(' | ')}`, parseUnit, 'quarter')
    .option('--model <file>', 'institution rating model (YAML/JSON; default RINGLENS_RATING_MODEL or the shipped Wenzhou 1000-point model)')
    .option('--doctor-model <file>', 'doctor rating model (default RINGLENS_DOCTOR_RATING_MODEL or the shipped doctor-100 model)')
    .option('--subject <subject>', `what to rate: ${SUBJECT_CHOICES.join(' | ')}`, parseSubject, 'both')
    .option('--queue', 'enqueue on the rate queue for a `ringlens worker` and wait for it')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (o: RateCliOptions) => {
      // A bad model stops here, with every problem's path.
      if (o.subject !== 'doctor') loadSubjectModel(modelFileOf({ modelFile: o.model }), 'institution');
      if (o.subject !== 'institution') loadSubjectModel(doctorModelFile(o.doctorModel), 'doctor');
      if (o.queue) {
        await rateOnQueue(o);
        return;
      }
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        await migrate(driver);
        const period = o.period ?? (await latestClaimPeriod(driver, o.unit));
        if (!period) throw new Error('no claims in the graph: nothing to rate');
        const onProgress = (s: string) => process.stderr.write(`rate ${period}: ${s}\n`);
        if (o.subject !== 'doctor') {
          const r = await runRating(driver, { period, modelFile: o.model, trigger: 'cli', onProgress });
          console.log(`${r.run.ratingRunId}: ${r.run.institutions} institutions, ${r.run.rated} rated with model ${r.model.id} for ${period}`);
          console.log(`bands: ${Object.entries(r.run.bands).map(([b, n]) => `${b} ${n}`).join(', ')}`);
          const low = r.ratings.filter((x) => x.score !== null).sort((a, b) => a.score! - b.score!).slice(0, 10);
          for (const x of low) console.log(`  ${String(x.score).padStart(6)}  ${x.band}  ${x.code}  ${x.name ?? ''} (${x.kind}/${x.level})  coverage ${(x.coverage * 100).toFixed(1)} %`);
        }
        if (o.subject !== 'institution') {
          const d = await runDoctorRating(driver, { period, doctorModelFile: o.doctorModel, trigger: 'cli', onProgress });
          console.log(`${d.run.ratingRunId}: ${d.run.institutions} doctors, ${d.run.rated} rated with model ${d.model.id} for ${period}`);
          console.log(`bands: ${Object.entries(d.run.bands).map(([b, n]) => `${b} ${n}`).join(', ')}`);
          const low = d.ratings.filter((x) => x.score !== null).sort((a, b) => a.score! - b.score!).slice(0, 10);
          for (const x of low) console.log(`  ${String(x.score).padStart(5)}  ${x.band}  ${x.code}  ${x.name ?? ''} (${x.department ?? '—'}, ${x.institutionCode ?? '—'})  coverage ${(x.coverage * 100).toFixed(1)} %`);
        }
      } finally {
        await driver.close();
      }
    });

  rate
    .command('import')
    .description('import external indicator values (self-inspection, penalties, satisfaction, …) from a CSV: period,institution_code,indicator,value — or any layout with --mapping (target: credit_indicators); with --doctors a doctor model\'s: period,doctor_code,indicator,value (target: doctor_credit_indicators); all or nothing')
    .argument('<file>', 'CSV/TSV/JSONL file')
    .option('--period <period>', 'refuse rows of any other period', parsePeriodOption)
    .option('--mapping <file>', 'mapping file with target credit_indicators (docs/mapping-files.md)')
    .option('--model <file>', 'rating model naming the imported indicators')
    .option('--doctors', "import a doctor model's indicators (the model of --doctor-model, RINGLENS_DOCTOR_RATING_MODEL or the shipped doctor-100)")
    .option('--doctor-model <file>', 'doctor rating model naming the imported indicators (implies --doctors)')
    .option('--instance <name>', 'local instance to use when NEO4J_URI is not set', 'default')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      // --instance, --period and --model are options of `rate` too: whichever command caught them, take them.
      const o = cmd.optsWithGlobals<{ period?: string; mapping?: string; model?: string; doctors?: boolean; doctorModel?: string; instance: string }>();
      const model = o.doctors || o.doctorModel ? loadSubjectModel(doctorModelFile(o.doctorModel), 'doctor') : loadRatingModel(modelFileOf({ modelFile: o.model }));
      const driver = createDriver(locateNeo4j(loadEnv(), o.instance));
      try {
        await migrate(driver);
        const s = await importIndicators(driver, file, { model, period: o.period, mappingFile: o.mapping });
        console.log(`${file}: ${s.rows} values stored (${s.missing} of them stated as missing) for ${s.periods.join(', ') || 'no period'}`);
      } finally {
        await driver.close();
      }
    });
}

interface RateCliOptions {
  period?: string;
  unit: (typeof RATING_PERIOD_UNITS)[number];
  model?: string;
  doctorModel?: string;
  subject: SubjectChoice;
  queue?: boolean;
  instance: string;
}

async function rateOnQueue(o: RateCliOptions): Promise<void> {
  const env = loadEnv();
  const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
  const eventsConnection = services.redis.duplicate();
  const events = createQueueEvents(QUEUES.rate, eventsConnection, services.prefix);
  try {
    await events.waitUntilReady();
    const job = await services.queues.rate.add('rate', {
      unit: o.unit,
      trigger: 'cli',
      subjects: [...subjectsOf(o.subject)],
      ...(o.period ? { period: o.period } : {}),
      ...(o.model ? { modelFile: o.model } : {}),
      ...(o.doctorModel ? { doctorModelFile: o.doctorModel } : {}),
    } satisfies RateJobPayload);
    process.stderr.write(`rate job ${job.id} queued; waiting for a worker\n`);
    const r = (await job.waitUntilFinished(events)) as RateJobResult | { skipped: string };
    if ('skipped' in r) console.log(`nothing rated: ${r.skipped}`);
    else {
      console.log(`${r.ratingRunId}: ${r.institutions} institutions, ${r.rated} rated for ${r.period}; bands: ${Object.entries(r.bands).map(([b, n]) => `${b} ${n}`).join(', ')}`);
      if (r.doctors) console.log(`${r.doctors.ratingRunId}: ${r.doctors.doctors} doctors, ${r.doctors.rated} rated; bands: ${Object.entries(r.doctors.bands).map(([b, n]) => `${b} ${n}`).join(', ')}`);
    }
  } finally {
    await events.close();
    eventsConnection.disconnect();
    await services.close();
  }
}
