import { clock, duration, fallbackWords, fit, shortHash, wrap } from '../format';
import type { Colors } from '../io';
import type { DataPlaneSyncStatus, StatusDocument } from './document';

const SYNC_WORDS: Record<string, string> = {
  'starting': 'starting (ECS has not started it yet)',
  'not-connected': 'not connected to the control plane yet',
  'incompatible': 'incompatible: the control plane cannot configure it',
  'no-config': 'connected, no configuration yet',
  'on-cp-config': 'in sync',
  'other-config': 'on another configuration',
};

function syncLine(sync: DataPlaneSyncStatus, now: number, c: Colors): string {
  const parts: string[] = [];
  if (sync.state === 'on-fallback') {
    // Its hash is the fallback's, not the control plane's: said in the same words, never as in sync.
    parts.push(c.yellow(`${fallbackWords([sync.configHash])}, waiting for the control plane`));
  } else {
    const words = SYNC_WORDS[sync.state] ?? sync.state;
    parts.push(sync.state === 'on-cp-config' ? c.green(words) : sync.state === 'other-config' || sync.state === 'incompatible' ? c.red(words) : c.yellow(words));
    if (sync.configHash) parts.push(`config ${shortHash(sync.configHash)}`);
  }
  if (sync.lastSeen) parts.push(`seen ${duration(now - Date.parse(sync.lastSeen))} ago`);
  if (sync.version) parts.push(`Kong ${sync.version}`);
  return parts.join(', ');
}

/** `status` as a person reads it: one block per part, what is unknown at the end. */
export function renderStatus(doc: StatusDocument, c: Colors, width = Infinity): string {
  const now = Date.parse(doc.at);
  const lines: string[] = [];
  const label = (text: string) => c.bold(text.padEnd(14));
  const since = (iso: string | null) => (iso ? ` since ${clock(iso)} (${duration(now - Date.parse(iso))})` : '');

  lines.push(`${c.bold(`Stack ${doc.stack.name}`)} (${doc.stack.region ?? 'region ?'}, ${doc.stack.status})`);
  lines.push('');

  const cp = doc.controlPlane;
  if (cp) {
    const word = cp.state === 'running' ? c.green('running') : cp.state === 'stopped' ? c.dim('stopped') : c.yellow(cp.state);
    const api = cp.adminApiAnswering === true ? ', Admin API answering' : cp.adminApiAnswering === false && cp.state !== 'stopped' ? ', Admin API not answering' : '';
    lines.push(`${label('Control plane')} ${word} ${cp.running}/${cp.desired}${since(cp.since)}${api}`);
  } else {
    lines.push(`${label('Control plane')} ${c.yellow('unknown')}`);
  }

  const db = doc.database;
  if (db) {
    const acu = db.acu === null ? 'ACU unknown' : db.acu === 0 ? `0 ACU (paused; resumes when the control plane connects)` : `${db.acu} ACU`;
    const range = db.minAcu !== null || db.maxAcu !== null ? `, min ${db.minAcu ?? '?'} max ${db.maxAcu ?? '?'}` : '';
    lines.push(`${label('Database')} ${db.status === 'available' ? c.green(db.status) : c.yellow(db.status)}, ${acu}${range}`);
  } else {
    lines.push(`${label('Database')} ${c.yellow('unknown')}`);
  }

  const dp = doc.dataPlanes;
  if (dp) {
    const rollout = dp.deploymentInProgress ? ', deployment in progress' : '';
    lines.push(`${label('Data planes')} ${dp.running}/${dp.desired} running${dp.pending ? `, ${dp.pending} pending` : ''}${rollout}`);
    for (const t of dp.tasks) {
      lines.push(`  ${t.id.slice(0, 12).padEnd(12)}  ${t.lastStatus.padEnd(10)}  ${(t.health ?? 'health ?').padEnd(9)}  ${t.ip ?? ''}`.trimEnd());
      if (t.sync) lines.push(`  ${''.padEnd(12)}  ${syncLine(t.sync, now, c)}`);
    }
  } else {
    lines.push(`${label('Data planes')} ${c.yellow('unknown')}`);
  }

  const s = doc.scaler;
  if (s) {
    let phase = s.phase;
    if (s.phase === 'cooldown' && s.cooldownLeftMs !== null) {
      phase = s.cooldownLeftMs > 0 ? `cooldown, ${duration(s.cooldownLeftMs)} left (stops after ${clock(s.cooldownUntil!)} if nothing changes)` : `cooldown over ${duration(s.stopDueForMs ?? 0)} ago: stopping once nothing blocks it`;
    } else if (s.phase === 'idle') {
      phase = 'idle (the control plane sleeps; it wakes when a data plane starts, or with kong-hybrid wake)';
    } else if (s.phase === 'waking') {
      phase = 'waking (starting the control plane, waiting for the data planes to sync)';
    }
    lines.push(`${label('Idle scaler')} ${phase}`);
    if (s.neverHealthyStopInMs !== null) lines.push(`  the control plane has not answered since the wake: stopped in ${duration(s.neverHealthyStopInMs)} if it does not`);
    if (s.phase !== 'idle' && s.syncGaps.length > 0) lines.push(...wrap(`  not in sync: ${s.syncGaps.join('; ')}`, width, '    '));
    if (s.phase === 'cooldown' && s.stopBlockers.length > 0 && (s.cooldownLeftMs ?? 1) === 0) lines.push(...wrap(`  stop blocked by: ${s.stopBlockers.join('; ')}`, width, '    '));
    if (s.lastDecisions.length > 0) {
      lines.push('  last decisions:');
      for (const d of s.lastDecisions.slice(0, 5)) lines.push(`  ${clock(d.at)}  ${d.decision.padEnd(16)} ${d.reason}`);
    }
  } else if (!doc.unknown.some((u) => u.item === 'idle scaler')) {
    lines.push(`${label('Idle scaler')} none (the control plane is always on)`);
  }

  const out = lines.map((l) => fit(l, width));
  if (doc.unknown.length > 0) {
    // Reasons are wrapped, not cut: the way out (how to wake, what to pass) is at their end.
    out.push('', c.bold('Unknown:'));
    for (const u of doc.unknown) out.push(...wrap(`  ${c.yellow(u.item)}: ${u.reason}`, width, '    '));
  }
  return out.join('\n');
}
