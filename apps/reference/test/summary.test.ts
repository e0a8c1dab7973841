import {
  monthlyFigures, profileDifferences, renderSummary, type Profile,
} from '../src/summary';
import { synthesizeSample } from '../../../packages/cost-model/test/sample';

// The cost model's own tests are in packages/cost-model/test; these are the reference's summary on top of it.
const stacks = synthesizeSample();
const templates = stacks.map((s) => s.template);

describe('renderSummary', () => {
  test('GIVEN a cloud assembly WHEN rendered THEN it shows stacks, the matrix and both cost columns', () => {
    const text = renderSummary(stacks);
    expect(text).toMatch(/^  Sample: \d+ resources/m);
    expect(text).toContain('→ DataPlane/Service');
    expect(text).toMatch(/^\s+idle\s+busy\s+always-on$/m);
    expect(text).toMatch(/^  total\s+\$\d+\.\d\d\s+\$\d+\.\d\d\s+\$\d+\.\d\d$/m);
    expect(text).toMatch(/^  idle is \d\.\d\d × always-on$/m);
    expect(text).toContain('read 2026-12-01');
  });
});

describe('profiles', () => {
  test('GIVEN a profile that changes one line WHEN compared THEN only that line is listed, named by the setting that moves it', () => {
    const base = monthlyFigures(templates);
    const cheaper = { ...base, idle: { ...base.idle, lines: base.idle.lines.map((l) => (l.item.startsWith('Fargate DataPlane') ? { ...l, usd: l.usd / 2 } : l)) } };
    const profile: Profile = { name: 'p', description: 'd', settings: [
      { key: 'dataPlaneCpu', value: 256, affects: /^Fargate .*DataPlane/ },
      { key: 'natCount', value: 1, affects: /^NAT/ },
      { key: 'egress', value: 'natInstance', affects: /^Fargate .*DataPlane/ },
    ] };
    const diffs = profileDifferences(base, cheaper, profile, { egress: 'natInstance' });
    expect(diffs.map((d) => [d.item, d.setBy])).toEqual([['Fargate DataPlane/Service', ['dataPlaneCpu=256']]]);
    expect(diffs[0].idleDeltaUsd).toBeLessThan(0);
  });
});
