import { describe, expect, it } from 'vitest';
import { mergedOrigin } from './merged-origin';

describe('mergedOrigin', () => {
  const report = {
    merged: [
      {
        id: 'b',
        code: '2026-000002',
        title: 'B',
        status: 'nuovo' as const,
        createdAt: 0,
        reporterIds: ['p2'],
        attachmentIds: ['f2'],
        logIds: ['l2'],
      },
    ],
  };
  it('names the merged report an item comes from, null for the main report’s own', () => {
    expect(mergedOrigin(report, 'reporter', 'p2')).toBe('2026-000002');
    expect(mergedOrigin(report, 'attachment', 'f2')).toBe('2026-000002');
    expect(mergedOrigin(report, 'log', 'l2')).toBe('2026-000002');
    expect(mergedOrigin(report, 'reporter', 'p1')).toBeNull();
    expect(mergedOrigin(report, 'attachment', 'p2')).toBeNull();
  });
});
