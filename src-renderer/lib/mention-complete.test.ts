import { describe, expect, it } from 'vitest';
import { applyMention, matchUsers, mentionAt, splitMentions } from './mention-complete';

const users = [
  { id: '1', username: 'lucia.verdi', fullName: 'Lucia Verdi', active: true },
  { id: '2', username: 'mario.rossi', fullName: 'Mario Rossi', active: true },
  { id: '3', username: 'nicolo.bianchi', fullName: 'Nicolò Bianchi', active: true },
  { id: '4', username: 'old.user', fullName: 'Vecchio Utente', active: false },
];

describe('mentionAt', () => {
  it('finds the mention under the caret', () => {
    expect(mentionAt('ciao @luc', 9)).toEqual({ start: 5, query: 'luc' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('riga\n@ma', 8)).toEqual({ start: 5, query: 'ma' });
  });
  it('ignores e-mail addresses and finished words', () => {
    expect(mentionAt('scrivi a mario@comune.it', 24)).toBeNull();
    expect(mentionAt('@lucia ciao', 11)).toBeNull();
  });
});

describe('matchUsers', () => {
  it('matches username, full name and surname, skipping inactive users', () => {
    expect(matchUsers(users, 'luc').map((u) => u.id)).toEqual(['1']);
    expect(matchUsers(users, 'rossi').map((u) => u.id)).toEqual(['2']);
    expect(matchUsers(users, 'nicolo').map((u) => u.id)).toEqual(['3']);
    expect(matchUsers(users, '').map((u) => u.id)).toEqual(['1', '2', '3']);
    expect(matchUsers(users, 'vecchio')).toEqual([]);
  });
});

describe('applyMention', () => {
  it('replaces the typed fragment with the username', () => {
    const text = 'chiedo a @lu di verificare';
    const m = mentionAt(text, 11)!;
    expect(applyMention(text, m, 'lucia.verdi')).toEqual({
      text: 'chiedo a @lucia.verdi di verificare',
      caret: 22,
    });
  });
});

describe('splitMentions', () => {
  it('highlights only known usernames', () => {
    const parts = splitMentions('Per @lucia.verdi e @nessuno. Mail: a@b.it', new Set(['lucia.verdi']));
    expect(parts).toEqual([
      { kind: 'text', text: 'Per ' },
      { kind: 'mention', text: '@lucia.verdi', username: 'lucia.verdi' },
      { kind: 'text', text: ' e @nessuno. Mail: a@b.it' },
    ]);
  });
});
