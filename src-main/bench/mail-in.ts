/**
 * Suite `mail-in`: N messages (default 10,000) put into a real Dovecot with APPEND,
 * then pulled by the real IMAP source and intake into a fresh core, all the way to
 * committed reports with their attachments (and .eml) stored. Figures:
 * intake_msgs_per_s (target ≥ 400) and intake_peak_rss_mb (≤ 256), the peak being the
 * process's resident set sampled during the intake (the kernel's high-water mark is
 * printed too, for honesty: it covers the whole process). The messages are APPENDed by a
 * child process (mail-append.ts), as mail reaches a real mailbox from elsewhere.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../core/create-core';
import { createImapSource } from '../mail/imap-source';
import { createMailIntake } from '../mail/intake';
import { startDovecot } from '../mail/testing/dovecot';
import { appendCorpusInChild } from './mail-append';
import { emit, log, type Figure } from './stats';

export const MAIL_IN_DEFAULT_MESSAGES = 10_000;
const SEED = 13;
const APPENDERS = 4;

export const MAIL_IN_TARGETS = {
  intake_msgs_per_s: { min: 400 },
  intake_peak_rss_mb: { max: 256 },
};

/** CPU time of the main thread alone (Linux: its /proc task entry), in ms; -1 elsewhere. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of the full line), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return -1;
  }
}

/**
 * CPU ms of every thread of this process by thread (Linux; empty elsewhere). Node names them
 * all 'node': the id tells the V8 platform workers (GC, created first) from libuv's thread
 * pool (created at its first use; the attachment writes) and the checkpointer's worker.
 */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(process.pid) ? 'main' : `${name}#${Number(tid) - process.pid}`;
      out.set(key, (out.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    }
  } catch {
    // Not Linux: no breakdown.
  }
  return out;
}

/** Busy CPU ms of the whole machine (every process: Dovecot too), from /proc/stat; -1 elsewhere. */
function machineBusyMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: all but idle and iowait, in ticks of 10 ms.
    return (cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!) * 10;
  } catch {
    return -1;
  }
}

/** Linux: the resident set by kind (anonymous memory, mapped files, shared memory). */
function rssKinds(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return `, anon ${(kb('RssAnon') / 1024).toFixed(0)} MB, file ${(kb('RssFile') / 1024).toFixed(0)} MB, shmem ${(kb('RssShmem') / 1024).toFixed(0)} MB`;
  } catch {
    return '';
  }
}

/** SPORTELLO_BENCH_PROFILE=file.cpuprofile: a CPU profile of the intake phase alone. */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const heap = process.env.SPORTELLO_BENCH_HEAP;
  if (heap) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      if (heap) {
        const h = await session.post('HeapProfiler.stopSampling');
        writeFileSync(heap, JSON.stringify(h.profile));
      }
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

export async function runMailInBench(opts: { messages: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const put = (name: string, value: number, unit: Figure['unit']) => {
    const f: Figure = { suite: 'mail-in', name, value, unit };
    figures.push(f);
    emit(f);
  };
  const n = opts.messages;
  const dovecot = await startDovecot({ urp: 'bench-password' });
  const work = mkdtempSync(join(tmpdir(), 'sportello-bench-mail-'));
  try {
    log(`[bench] APPEND di ${n} messaggi in Dovecot (in un processo a parte)…`);
    const tAppend = performance.now();
    const bytes = await appendCorpusInChild({
      host: dovecot.host,
      port: dovecot.port,
      user: 'urp',
      pass: 'bench-password',
      messages: n,
      seed: SEED,
      connections: APPENDERS,
    });
    log(
      `[bench] ${n} messaggi (${(bytes / 2 ** 20).toFixed(0)} MB) caricati in ${((performance.now() - tAppend) / 1000).toFixed(1)} s`,
    );

    const core = await createCore({ dataDir: work });
    try {
      const admin = await core.call(
        'setup.createAdmin',
        { username: 'admin', fullName: 'Amministratore', password: 'bench-password' },
        null,
      );
      if (!admin.ok) throw new Error(admin.error.message);
      const token = (admin.value as { token: string }).token;
      const cat = await core.call(
        'settings.categories.save',
        { parentId: null, name: 'Da classificare' },
        token,
      );
      if (!cat.ok) throw new Error(cat.error.message);
      const intake = createMailIntake({ services: core.services, threadKey: Buffer.alloc(32, 1) });
      let done = 0;
      const source = createImapSource(
        {
          id: 'bench',
          host: dovecot.host,
          port: dovecot.port,
          security: 'none',
          username: 'urp',
          password: 'bench-password',
          folder: 'INBOX',
          processedFolder: 'Acquisiti',
          processedFlag: '$SportelloAcquisito',
        },
        {
          db: core.services.db,
          intake,
          clock: Date.now,
          afterCommit: () => {
            if (++done % 1000 === 0) log(`[bench] … ${done} acquisiti`);
          },
          onError: (e) => log(`[bench] errore: ${(e as Error).message}`),
        },
      );
      global.gc?.();
      const m0 = process.memoryUsage();
      log(
        `[bench] memoria all'inizio dell'acquisizione: rss ${(m0.rss / 2 ** 20).toFixed(0)} MB, heap ${(m0.heapUsed / 2 ** 20).toFixed(0)}/${(m0.heapTotal / 2 ** 20).toFixed(0)} MB`,
      );
      const mbOf = (x: number) => (x / 2 ** 20).toFixed(0);
      let peak = process.memoryUsage.rss();
      // Where the peak happened and what it was made of: the JS heap, or buffers and
      // strings outside it that wait for a major collection.
      let peakAt = 0;
      let peakMix = '';
      const samples: number[] = [];
      const sampler = setInterval(() => {
        const r = process.memoryUsage.rss();
        samples.push(r);
        if (r <= peak) return;
        peak = r;
        peakAt = done;
        const m = process.memoryUsage();
        peakMix = `heap ${mbOf(m.heapUsed)}/${mbOf(m.heapTotal)} MB, external ${mbOf(m.external)} MB (arrayBuffers ${mbOf(m.arrayBuffers)} MB)${rssKinds()}`;
      }, 20);
      const profiler = process.env.SPORTELLO_BENCH_PROFILE ? await startProfile() : null;
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      const threads0 = threadCpuMs();
      const machine0 = machineBusyMs();
      const t0 = performance.now();
      let polls = 0;
      while (done < n && polls++ < 5) await source.pollOnce();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const mainCpu = mainThreadCpuMs() - main0;
      const machineCpu = machineBusyMs() - machine0;
      const threads = [...threadCpuMs()]
        .map(([name, ms]) => [name, ms - (threads0.get(name) ?? 0)] as const)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1]);
      log(
        `[bench] CPU per messaggio per thread: ${threads.map(([name, ms]) => `${name} ${(ms / n).toFixed(2)}`).join(', ')} ms`,
      );
      if (profiler) await profiler.stop(process.env.SPORTELLO_BENCH_PROFILE!);
      clearInterval(sampler);
      samples.sort((a, b) => a - b);
      log(
        `[bench] rss: mediana ${mbOf(samples[samples.length >> 1] ?? 0)} MB, massimo ${mbOf(peak)} MB dopo ${peakAt} messaggi (${peakMix})`,
      );
      peak = Math.max(peak, process.memoryUsage.rss());

      const mem = process.memoryUsage();
      const mb = (x: number) => (x / 2 ** 20).toFixed(0);
      log(
        `[bench] memoria a fine acquisizione: rss ${mb(mem.rss)} MB, heap ${mb(mem.heapUsed)}/${mb(mem.heapTotal)} MB, external ${mb(mem.external)} MB, arrayBuffers ${mb(mem.arrayBuffers)} MB`,
      );
      const db = core.services.db;
      const reports = (db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
      const withFile = (
        db
          .prepare("SELECT count(*) AS n FROM attachments WHERE mime = 'application/pdf' AND size = 1048576")
          .get() as { n: number }
      ).n;
      if (reports !== n || withFile !== Math.ceil(n / 10))
        throw new Error(`acquisiti ${reports} di ${n} messaggi, ${withFile} allegati da 1 MB`);
      put('intake_msgs_per_s', n / seconds, 'msgs/s');
      put('intake_peak_rss_mb', peak / 2 ** 20, 'MB');
      put('process_max_rss_mb', process.resourceUsage().maxRSS / 1024, 'MB');
      put('intake_seconds', seconds, 's');
      // On a shared, loaded machine the wall clock lies: the CPU this process got tells how.
      put('intake_cpu_ms_per_msg', (cpu.user + cpu.system) / 1000 / n, 'ms');
      put('intake_cpu_share', (cpu.user + cpu.system) / 1e6 / seconds, 's');
      // The thread that parses and commits is the one the rate waits for; file writes and
      // WAL checkpoints run on other threads.
      if (mainCpu >= 0) put('intake_main_thread_cpu_ms_per_msg', mainCpu / n, 'ms');
      // The whole machine (Dovecot, the kernel's writeback, anyone else running): on 2 cores
      // the rate cannot pass 2 cores' worth of this.
      if (machineCpu >= 0) put('intake_machine_cpu_ms_per_msg', machineCpu / n, 'ms');
    } finally {
      core.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    await dovecot.stop();
  }
  return figures;
}
