// Which files a model may learn from, and why the others are skipped: .gitignore rules (with the maintained
// `ignore` package), lock files, secrets (by name and by content), binary, minified or generated text, size and
// corpus caps. The one file policy: the extension's fine-tune and the CLI's corpus reader both apply it. Pure:
// the caller lists and reads the files; this decides.
import ignore, { Ignore } from 'ignore';
import { familyOfPath, LanguageFamily } from '../shared/language';
import { normaliseLineEnds } from '../shared/window';

/** The fine-tune's file size cap (the extension's command and `train --from`): larger files are skipped unread. */
export const FINE_TUNE_MAX_FILE_BYTES = 500_000;
/**
 * The most characters a fine-tune reads (the extension's setting and `train --from` are capped here): its files
 * become the model's workspace memory, which the loader reads up to 64 MiB, and 16 M UTF-16 code units (plus a
 * newline per file) stay below that in UTF-8 whatever the characters.
 */
export const FINE_TUNE_MAX_CORPUS_CHARS = 16_000_000;

export type SkipReason =
  | 'ignored by .gitignore'
  | 'lock file'
  | 'may hold secrets'
  | 'binary'
  | 'minified or generated'
  | 'larger than the file size cap'
  | 'corpus size cap reached'
  | 'nested too deep'
  | 'empty';

export interface SelectionLimits {
  maxFileBytes: number;
  maxTotalChars: number;
}

export interface SelectedFile {
  path: string;
  text: string;
  family: LanguageFamily;
}

export interface Selection {
  files: SelectedFile[];
  skipped: { path: string; reason: SkipReason }[];
  /** Characters kept per language family. */
  chars: Record<string, number>;
}

const LOCK_FILES = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.ya?ml|bun\.lockb?|Cargo\.lock|poetry\.lock|Pipfile\.lock|Gemfile\.lock|composer\.lock|go\.sum|[^/]+\.lock)$/i;
const SECRETS = /(^|\/)(\.env(\..*)?|[^/]*\.(pem|key|p12|pfx|crt|cer|der|jks|keystore|kdbx|asc|gpg)|id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|\.npmrc|\.pypirc|\.netrc|\.git-credentials|credentials(\.[^/]*)?|secrets?(\.[^/]*)?)$/i;
const GENERATED_NAMES = /(\.min\.[cm]?[jt]s|\.map|\.d\.ts|\.bundle\.js|\.generated\.[^/]+|_pb2\.py)$/i;

/**
 * The most `**` segments a rule may have. The `ignore` package turns each into a backtracking regex group, so a
 * rule with many of them costs exponential time on a deep path (12 took over 100 s on a path 40 folders deep, and
 * the editor evaluates these rules on its own thread); real rules use one or two.
 */
export const MAX_GLOBSTARS_PER_RULE = 2;
/** Paths deeper than this many folders are not matched (each level multiplies a globstar rule's cost) nor learnt. */
export const MAX_PATH_DEPTH = 64;

/** A .gitignore rule left out because matching it could take unbounded time, and where it was. */
export interface SkippedRule {
  file: string;
  rule: string;
  reason: string;
}

/** Every .gitignore of the workspace, applied like git: a deeper file's rules override its parents'. */
export class GitignoreRules {
  private readonly rules: { dir: string; matcher: Ignore }[];
  /** Rules not applied, for the log: matching them could hang the editor. */
  readonly skippedRules: SkippedRule[] = [];

  constructor(files: { path: string; content: string }[]) {
    this.rules = files
      .map((f) => ({ dir: f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '', matcher: ignore().add(this.boundedRules(f.path, f.content)) }))
      .sort((a, b) => a.dir.split('/').length - b.dir.split('/').length || a.dir.length - b.dir.length);
  }

  private boundedRules(file: string, content: string): string[] {
    const kept: string[] = [];
    for (const line of content.split(/\r?\n/)) {
      const globstars = line.split('/').filter((segment) => segment.includes('**')).length;
      if (globstars > MAX_GLOBSTARS_PER_RULE) {
        this.skippedRules.push({ file, rule: line.length > 80 ? `${line.slice(0, 77)}...` : line, reason: `more than ${MAX_GLOBSTARS_PER_RULE} "**" segments (matching it could take minutes)` });
      } else kept.push(line);
    }
    return kept;
  }

  ignores(path: string): boolean {
    let ignored = false;
    for (const { dir, matcher } of this.rules) {
      if (dir && !path.startsWith(`${dir}/`)) continue;
      const rel = dir ? path.slice(dir.length + 1) : path;
      const verdict = matcher.test(rel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }
}

/** Folders above a file: a path deeper than MAX_PATH_DEPTH is not matched against rules nor learnt. */
const depthOf = (path: string): number => {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
};

/** Whether a workspace path is ignored or too deep to learn from: the rules' verdict, bounded in time. */
export function ignoredPath(rules: GitignoreRules, path: string): SkipReason | null {
  if (depthOf(path) > MAX_PATH_DEPTH) return 'nested too deep';
  return rules.ignores(path) ? 'ignored by .gitignore' : null;
}

/** Why a file's name rules it out before reading it, or null. */
export function skipByName(path: string, bytes: number, limits: SelectionLimits): SkipReason | null {
  if (LOCK_FILES.test(path)) return 'lock file';
  if (SECRETS.test(path)) return 'may hold secrets';
  if (GENERATED_NAMES.test(path)) return 'minified or generated';
  if (bytes > limits.maxFileBytes) return 'larger than the file size cap';
  if (bytes === 0) return 'empty';
  return null;
}

// Content that marks a secret whatever the file is called: key blocks, and credentials with a known shape, quoted
// or not (a token pasted into a comment is as private as one in a string).
const SECRET_CONTENT = [
  /-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----/,
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key id
  // AWS secret access key after one of its usual names (40 characters of base64).
  /(aws_?secret_?(access_?)?key|secret_?access_?key)["'`]?\s*[:=]>?\s*["'`]?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/i,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, // GitHub token
  /\bgithub_pat_[A-Za-z0-9_]{40,}/, // GitHub fine-grained token
  /\bxox[abeoprs]-[A-Za-z0-9-]{10,}/, // Slack token
  /hooks\.slack\.com\/services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/, // Slack webhook
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /\bGOCSPX-[A-Za-z0-9_-]{20,}/, // Google OAuth client secret
  /\bya29\.[A-Za-z0-9_-]{20,}/, // Google OAuth access token
  /\bAccountKey=[A-Za-z0-9+/]{80,}={0,2}/, // Azure storage connection string
  /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/, // Azure AD client secret
  /(^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // JWT (header.payload.signature)
  /\bsk-[A-Za-z0-9_-]{20,}\b/, // API secret keys of the "sk-" shape
  /\b(sk|rk)_live_[A-Za-z0-9]{16,}/, // Stripe live keys
  /\bnpm_[A-Za-z0-9]{36}\b/, // npm token
  /\bglpat-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/, // GitLab token
];

/** Names a credential is assigned to; what follows them is checked by PASSWORD_LITERAL / PASSWORD_BARE. */
const SECRET_NAME = '(?:password|passwd|pwd|pass_?phrase|secret(?:_?key)?|api_?key|access_?token|auth_?token|client_?secret|private_?key)';
/** A credential name given a quoted literal of 6+ characters: `password = "hunter22"`, `apiKey: 'x9...'`. */
// Blanks within the line only, and values of bounded length: the scan stays linear on a hostile file (the editor
// runs it on its own thread on every open and save).
const PASSWORD_LITERAL = new RegExp(`${SECRET_NAME}["'\`]?[ \\t]*(?:[:=]|:=|=>)[ \\t]*["'\`]([^"'\`\\s]{6,128})["'\`]`, 'i');
/**
 * A credential name given a bare value that ends the line and mixes letters and digits: `# password = hunter22`,
 * `DB_PASSWORD=s3cretPass` (a bare identifier or a call, `password = get_password()`, is code, not a secret).
 */
const PASSWORD_BARE = new RegExp(`${SECRET_NAME}[ \\t]*(?::=|[:=])[ \\t]*([^\\s"'\`,;(){}\\[\\].]{8,64})[ \\t]*$`, 'im');
/** Placeholders that stand for a secret rather than being one. */
const PLACEHOLDER = /^(\*+|x+|\.+|<[^>]*>|\$\{?[A-Za-z_][\w.]*\}?|%\(?\w+\)?s?|\{\{?[^}]*\}\}?|(your|my|the|some)[-_]?(password|passwd|pass|secret|key|token)[A-Za-z_]*|changeme|password|secret|example|placeholder|undefined|null|none|true|false)$/i;

/** A password-like value: no brackets or spaces, and a digit or a symbol (a bare word such as "access_token" is a name). */
const looksLikePassword = (value: string): boolean =>
  /^[^\s[\](){}<>]+$/.test(value) && /[A-Za-z]/.test(value) && /[0-9!@#$%^&*+?~]/.test(value) && !PLACEHOLDER.test(value);

function assignsPassword(text: string): boolean {
  for (const m of text.matchAll(new RegExp(PASSWORD_LITERAL.source, 'gi'))) if (looksLikePassword(m[1] as string)) return true;
  for (const m of text.matchAll(new RegExp(PASSWORD_BARE.source, 'gim'))) {
    if (looksLikePassword(m[1] as string) && /[0-9]/.test(m[1] as string)) return true;
  }
  return false;
}

/** A run this long of letters, digits and +/_-, quoted or just assigned, with this much entropy per character is taken for a token. */
const TOKEN = /["'`]([A-Za-z0-9+/_=-]{32,})["'`]|[:=]\s*([A-Za-z0-9+/_=-]{32,})/g;
const TOKEN_MIN_BITS = 4.2;

function entropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Why the text looks like it holds a secret (a key block, a known credential, a password, a random-looking token), or null. */
export function secretInContent(text: string): string | null {
  for (const pattern of SECRET_CONTENT) if (pattern.test(text)) return 'a key or credential';
  if (assignsPassword(text)) return 'a password or key assigned';
  for (const m of text.matchAll(TOKEN)) {
    const quoted = m[1] !== undefined;
    const token = (m[1] ?? m[2]) as string;
    // Hex digests and names have few symbols or one case; random tokens mix letters of both cases and digits. An
    // unquoted one must hold 3+ digits: long camelCase names (depthwiseConv2dNativeBackpropInput) hold one or two.
    const digits = token.replace(/[^0-9]/g, '').length;
    if (/[a-z]/.test(token) && /[A-Z]/.test(token) && digits >= (quoted ? 1 : 3) && entropyBits(token) >= TOKEN_MIN_BITS) return 'a random-looking token';
  }
  return null;
}

/** Decodes a file as UTF-8 text, or returns a reason it is not source code a model should learn. */
export function readableText(bytes: Uint8Array): { text: string } | { reason: SkipReason } {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { reason: 'binary' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: 'binary' };
  }
  text = normaliseLineEnds(text);
  const reason = textSkipReason(text);
  return reason ? { reason } : { text };
}

/** Why decoded text is not source code a model should learn or copy from (empty, minified, binary-like, secrets), or null. */
export function textSkipReason(text: string): SkipReason | null {
  if (text.includes('\0')) return 'binary';
  if (text.trim() === '') return 'empty';
  // One pass without building arrays: the editor runs this on the host when a document is opened or saved.
  let lines = 1;
  let longest = 0;
  let lineStart = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 32; // folds A-Z onto a-z
    if (c >= 97 && c <= 122) letters++;
    else if (text.charCodeAt(i) === 10) {
      longest = Math.max(longest, i - lineStart);
      lineStart = i + 1;
      lines++;
    }
  }
  longest = Math.max(longest, text.length - lineStart);
  if (longest > 1000 || text.length / lines > 200 || (text.length > 500 && letters / text.length < 0.25)) {
    return 'minified or generated';
  }
  if (secretInContent(text)) return 'may hold secrets';
  return null;
}

export interface CandidateFile {
  /** Workspace-relative path with forward slashes. */
  path: string;
  bytes: number;
  read(): Promise<Uint8Array>;
}

/** Applies every rule, in path order under the corpus cap, and explains each skip. */
export async function selectFiles(
  candidates: CandidateFile[],
  gitignore: GitignoreRules,
  limits: SelectionLimits,
  signal?: AbortSignal,
): Promise<Selection> {
  const selection: Selection = { files: [], skipped: [], chars: {} };
  let total = 0;
  const ordered = [...candidates].sort((a, b) => a.path.localeCompare(b.path));
  for (const c of ordered) {
    if (signal?.aborted) break;
    const byName = ignoredPath(gitignore, c.path) ?? skipByName(c.path, c.bytes, limits);
    // Once the cap is reached nothing more is read.
    const capped = total >= limits.maxTotalChars ? 'corpus size cap reached' : null;
    if (byName || capped) {
      selection.skipped.push({ path: c.path, reason: (byName ?? capped) as SkipReason });
      continue;
    }
    const read = readableText(await c.read());
    if ('reason' in read) {
      selection.skipped.push({ path: c.path, reason: read.reason });
      continue;
    }
    if (total + read.text.length > limits.maxTotalChars) {
      selection.skipped.push({ path: c.path, reason: 'corpus size cap reached' });
      continue;
    }
    total += read.text.length;
    const family = familyOfPath(c.path);
    selection.files.push({ path: c.path, text: read.text, family });
    selection.chars[family] = (selection.chars[family] ?? 0) + read.text.length;
  }
  return selection;
}
