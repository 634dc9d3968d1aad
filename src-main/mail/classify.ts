/**
 * Machine mail never becomes a report and never gets an automatic reply. Rules, in
 * order: delivery-status reports (RFC 3464) and feedback reports (RFC 5965, ARF) and
 * the bounce formats of servers that predate them; auto-replies (RFC 3834
 * Auto-Submitted, the X-Autoreply family, Precedence bulk/junk/list,
 * X-Auto-Response-Suppress, vacation notices); mail sent by Sportello itself.
 */
import { first, partText, walk, walkOwn, type MimeNode } from './mime-tree';
import { isSportelloMessageId } from './threading';

export type MachineKind = 'bounce' | 'auto-reply' | 'ignored';
export interface MachineVerdict {
  kind: MachineKind;
  /** Short English reason, for logs and the CLI. */
  reason: string;
}

export interface BounceInfo {
  /** Recipients the report says failed. */
  recipients: string[];
  /** Message-ID of the message that bounced, when the report carries it. */
  originalMessageId: string | null;
  status: string | null;
  diagnostic: string | null;
  /** true for a real delivery failure (marks the address failing); false for feedback/notices. */
  failure: boolean;
}

const DAEMON_LOCAL =
  /^(mailer-daemon|mailer_daemon|maildaemon|mail-daemon|postmaster|post_master|postoffice|mdaemon|mail\.?delivery|bounces?|noreply-dmarc-support)$/i;
const DAEMON_NAME =
  /(mail delivery (subsystem|system|service)|mail administrator|mailer-daemon|postmaster|mail ?delivery)/i;
const LIST_ADMIN_LOCAL = /(-admin|-owner|-request|-bounces?|^owner-.*)$/i;
const BOUNCE_SUBJECT =
  /(returned mail|undeliver(ed|able)|delivery (status notification|failure|failed|has failed|notification|problem)|mail delivery (failed|failure|system)|failure notice|non[- ]?deliver|not delivered|delivery report|could not be delivered|warning: could not send|unable to deliver|mail system error|rejected|mail failure|delivery error|mancata consegna|impossibile recapitare|non recapitabile|notificación de estado|unzustellbar|non remis|メールエラー|未配達|配信エラー|error notification|message blocked|user unknown|mail error|email bounce)/i;
const AUTO_SUBJECT =
  /^(auto(matic|matische)?[ _-]?(reply|response|risposta|antwort|respuesta)|risposta automatica|out of (the )?office|fuori (sede|ufficio)|assente|abwesenheit|r[ée]ponse automatique|respuesta autom[áa]tica|absence|vacation|urlaub|i am away|away from)/i;

function header(tree: MimeNode, name: string): string | null {
  return first(tree.headers, name);
}

function localPart(from: string | null): string {
  const addr = /<([^>]+)>/.exec(from ?? '')?.[1] ?? from ?? '';
  return (addr.split('@')[0] ?? '').trim().replace(/^"|"$/g, '');
}

const stripPrefixes = (s: string) =>
  s.replace(/^\s*((re|fwd?|fw|i|r|tr|wg|aw|sv|vs)\s*(\[\d+\])?\s*:\s*)+/i, '');

/** null when the message looks like a person wrote it. */
export function machineVerdict(tree: MimeNode, subject: string, text: string): MachineVerdict | null {
  const reportType =
    tree.contentType === 'multipart/report' ? (tree.params['report-type'] ?? '').toLowerCase() : '';
  if (reportType === 'delivery-status') return { kind: 'bounce', reason: 'multipart/report delivery-status' };
  if (reportType === 'feedback-report') return { kind: 'bounce', reason: 'feedback report (ARF)' };
  if (reportType === 'disposition-notification') return { kind: 'auto-reply', reason: 'read receipt (MDN)' };
  for (const n of walkOwn(tree)) {
    if (n.contentType === 'message/delivery-status' || n.contentType === 'message/global-delivery-status')
      return { kind: 'bounce', reason: 'message/delivery-status part' };
    if (n.contentType === 'message/feedback-report')
      return { kind: 'bounce', reason: 'feedback report (ARF)' };
  }
  const from = header(tree, 'from');
  const local = localPart(from);
  const returnPath = header(tree, 'return-path');
  const nullSender = returnPath !== null && /^<\s*>$/.test(returnPath.trim());
  const subj = stripPrefixes(subject);
  const daemon = DAEMON_LOCAL.test(local) || DAEMON_NAME.test(from ?? '');
  if (header(tree, 'x-failed-recipients')) return { kind: 'bounce', reason: 'X-Failed-Recipients' };
  if (daemon) return { kind: 'bounce', reason: 'sent by a mail daemon' };
  if (
    BOUNCE_SUBJECT.test(subj) &&
    (nullSender || /^(no-?reply|.*-admin)$/i.test(local) || looksLikeBounceBody(text))
  )
    return { kind: 'bounce', reason: 'bounce subject' };
  if (/^Feedback-Type:\s*\S+/im.test(text) && /^(User-Agent|Version):/im.test(text))
    return { kind: 'bounce', reason: 'feedback report (ARF, inline)' };
  if (/sns\.amazonaws\.com$/i.test(from?.replace(/[<>\s]/g, '') ?? '') && /notificationType/.test(text))
    return { kind: 'bounce', reason: 'Amazon SES notification' };
  if (
    /^complaint about message from /i.test(subj) ||
    [...walk(tree)].some((n) => n.headers.has('x-hmxmroriginalrecipient'))
  )
    return { kind: 'bounce', reason: 'feedback report (JMRP)' };
  if (/^(?:Fwd?|I|TR)\s*:/i.test(subject) && BOUNCE_SUBJECT.test(subj) && looksLikeBounceBody(text))
    return { kind: 'bounce', reason: 'forwarded bounce' };

  const autoSubmitted = header(tree, 'auto-submitted')?.toLowerCase().trim();
  if (autoSubmitted && !autoSubmitted.startsWith('no'))
    return {
      kind: nullSender && BOUNCE_SUBJECT.test(subj) ? 'bounce' : 'auto-reply',
      reason: `Auto-Submitted: ${autoSubmitted}`,
    };
  for (const h of [
    'x-autoreply',
    'x-autorespond',
    'x-autoresponse',
    'x-auto-reply',
    'x-autogenerated',
    'x-auto-response-suppress',
  ]) {
    const v = header(tree, h);
    if (v !== null && !/^(no|none|false)$/i.test(v.trim())) return { kind: 'auto-reply', reason: h };
  }
  if (/vacation|auto/i.test(header(tree, 'x-apple-action') ?? ''))
    return { kind: 'auto-reply', reason: 'X-Apple-Action' };
  const precedence = header(tree, 'precedence')?.toLowerCase().trim();
  if (precedence && /^(bulk|junk|list|auto_reply)$/.test(precedence))
    return { kind: 'auto-reply', reason: `Precedence: ${precedence}` };
  if (AUTO_SUBJECT.test(subj)) return { kind: 'auto-reply', reason: 'auto-reply subject' };
  const listServer = ['x-mlserver', 'x-ml-name', 'mailing-list', 'list-id'].some(
    (h) => header(tree, h) !== null,
  );
  if (listServer && LIST_ADMIN_LOCAL.test(local))
    return { kind: 'auto-reply', reason: 'mailing-list manager notice' };
  // A null reverse-path is reserved to notifications (RFC 5321 4.5.5): no person sends one.
  if (nullSender)
    return BOUNCE_SUBJECT.test(subj) || looksLikeBounceBody(text)
      ? { kind: 'bounce', reason: 'null sender' }
      : { kind: 'auto-reply', reason: 'null sender' };
  if (BOUNCE_SUBJECT.test(subj) && looksLikeBounceBody(text))
    return { kind: 'bounce', reason: 'bounce subject and body' };
  return null;
}

/** Mail that Sportello itself sent (a loop through the mailbox): ignored. */
export function fromSportello(tree: MimeNode): boolean {
  if (header(tree, 'x-sportello')) return true;
  const id = header(tree, 'message-id');
  return id !== null && isSportelloMessageId(id);
}

function looksLikeBounceBody(text: string): boolean {
  return /(could not be delivered|undeliverable|delivery (has )?failed|permanent (fatal )?error|user unknown|unknown user|no such user|mailbox (unavailable|full|not found)|diagnostic-code|final-recipient|this is the mail system|returned to sender|was not delivered|message you sent|the following address(es)? failed|550[ -]|5\.\d\.\d)/i.test(
    text,
  );
}

/** What a bounce says about the failed delivery (for the log of the report it concerns). */
export function bounceInfo(tree: MimeNode, text: string, reason: string): BounceInfo {
  const recipients = new Set<string>();
  let status: string | null = null;
  let diagnostic: string | null = null;
  let originalMessageId: string | null = null;
  for (const n of walk(tree)) {
    if (n.contentType === 'message/delivery-status' || n.contentType === 'message/global-delivery-status') {
      const t = partText(n);
      for (const m of t.matchAll(/^Final-Recipient:\s*[^;]*;\s*(\S+)/gim))
        recipients.add(m[1]!.toLowerCase());
      status ??= /^Status:\s*(\S+)/im.exec(t)?.[1] ?? null;
      diagnostic ??= /^Diagnostic-Code:\s*(.+)$/im.exec(t)?.[1]?.trim() ?? null;
    }
    if (n !== tree && (n.contentType === 'message/rfc822' || n.contentType === 'text/rfc822-headers')) {
      const hdrs = n.message?.headers ?? null;
      const id = hdrs
        ? first(hdrs, 'message-id')
        : (/^Message-ID:\s*(<[^>]+>)/im.exec(n.rawBody)?.[1] ?? null);
      originalMessageId ??= id;
    }
  }
  for (const v of tree.headers.get('x-failed-recipients') ?? [])
    for (const a of v.split(',')) if (a.includes('@')) recipients.add(a.trim().toLowerCase());
  // Bounces that quote the original inline still name it.
  originalMessageId ??= /Message-ID:\s*(<seg\.[^>]+@sportello>)/i.exec(text)?.[1] ?? null;
  return {
    recipients: [...recipients],
    originalMessageId,
    status,
    diagnostic,
    failure: !/feedback|ARF|SES/i.test(reason),
  };
}
