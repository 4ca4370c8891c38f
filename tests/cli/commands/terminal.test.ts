/**
 * A report cannot drive the terminal it is shown on: `flopmeter report` and
 * `flopmeter compare`, spawned as a user runs them, print a report whose every
 * string carries escape sequences, and their text and Markdown output holds no
 * control character but the newlines the view writes, showing the escapes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializeReport } from '../../../src/report/build.js';
import { TERMINAL_ATTACK_ESCAPED, hostileReport } from '../../fixtures/report.js';
import { removeDir, runCli, tempDir } from '../../helpers.js';

const dir = tempDir('terminal-');
afterAll(() => removeDir(dir));

const { report, changed } = hostileReport();
const A = join(dir, 'a.json');
const B = join(dir, 'b.json');
writeFileSync(A, serializeReport(report));
writeFileSync(B, serializeReport({ ...report, host: { ...report.host, hostname: `other${report.host.hostname}` } }));

/** Any control character but the newline a view ends its lines with (tabs included: the views write none). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The escaped attack as Markdown shows it: its backslashes and brackets escaped once more. */
const MD_ESCAPED = TERMINAL_ATTACK_ESCAPED.replace(/\\/g, '\\\\').replace(/([[\]])/g, '\\$1');

const CASES: ReadonlyArray<{ name: string; args: string[]; escaped: string }> = [
  { name: 'report, text', args: ['report', A], escaped: TERMINAL_ATTACK_ESCAPED },
  { name: 'report, Markdown', args: ['report', A, '-f', 'md'], escaped: MD_ESCAPED },
  { name: 'compare, text', args: ['compare', A, B], escaped: TERMINAL_ATTACK_ESCAPED },
  { name: 'compare, Markdown', args: ['compare', A, B, '-f', 'md'], escaped: MD_ESCAPED },
];

describe('terminal output of a hostile report', () => {
  it('the fixture puts the attack in every string the schema allows: host, engine, result id, notes, device names, parameter values', () => {
    expect(changed).toBeGreaterThan(40);
    expect(report.host.hostname).toContain('\u001b]0;pwned\u0007');
    const r = report.results[0]!;
    for (const s of [r.engine!, r.id, report.devices[0]!.name, String(r.params.dtype), report.telemetry.notes[0]!]) expect(s).toContain('\u009b31m');
  });

  for (const c of CASES) {
    it(`${c.name}: no raw control character reaches stdout or stderr, and the escaped form is shown`, async () => {
      const r = await runCli(c.args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(RAW_CONTROL);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
      expect(r.stdout).toContain(`h${c.escaped}`); // the host name
      expect(r.stdout).toContain(`Some CPU${c.escaped}`); // the device name
      if (c.args[0] === 'report') expect(r.stdout).toContain(`openblas${c.escaped}`); // the engine (compare shows none)
    });
  }

  it('report, HTML on stdout: only newlines and tabs are raw, the page shows the escapes, and the embedded JSON is the same data', async () => {
    const r = await runCli(['report', A, '-f', 'html']);
    expect(r.code, r.stderr).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(r.stdout).toContain(`<title>flopmeter report: h${TERMINAL_ATTACK_ESCAPED.replace(/\[/g, '[')}`);
    const json = /<script type="application\/json" id="flopmeter-report">(.*?)<\/script>/s.exec(r.stdout)?.[1];
    expect(JSON.parse(json ?? 'null')).toEqual(JSON.parse(serializeReport(report)));
  });

  it('an unknown --by value from the report is escaped in the usage error too', async () => {
    const r = await runCli(['compare', A, '--by', 'dtype']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`f32${TERMINAL_ATTACK_ESCAPED}`);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });
});
