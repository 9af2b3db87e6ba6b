// The fake-secret corpus (test/fixtures/secrets): every file is refused by the file policy, which the fine-tune,
// the CLI's corpus reader and the editor's context ring all apply, and ordinary code that names credentials is not.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { secretInContent, textSkipReason } from '../../src/workspace/filePolicy';
import { SECRETS_DIR } from '../helpers';

test('every file of the fake-secret corpus is refused as one that may hold secrets', () => {
  const files = readdirSync(SECRETS_DIR).filter((f) => f !== 'README.md');
  assert.ok(files.length >= 9);
  for (const f of files) assert.equal(textSkipReason(readFileSync(join(SECRETS_DIR, f), 'utf8')), 'may hold secrets', f);
});

test('each shape is caught quoted or not', () => {
  const caught = [
    '# github_pat_11AAAAAAA0FAKEFAKEFAKE_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW012',
    '# aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEXAMPLE',
    'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEXAMPLE"',
    'const t = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FAKEsignature0123',
    'password = "hunter22"', '# password = hunter22', 'DB_PASSWORD=s3cretPassw0rd', "apiKey: 'x9Fake-Key-77'",
    'token: q8ZrT1vX9mLw2KcY7bNf4HsJ0dPaE6gU', 'key = "q8ZrT1vX9mLw2KcY7bNf4HsJ0dPaE6gU"',
    'password := "hunter22"', 'password = "mySecret123"', 'password: hunter22x', 'token glpat-abcdefghijklmnopqrstu-',
  ];
  for (const line of caught) assert.ok(secretInContent(line), line);
});

test('code that only names a credential, and placeholders, are not secrets', () => {
  const ordinary = [
    'const password = getPassword();', 'password: string;', 'password = os.environ["DB_PASSWORD"]',
    'def login(user, password=None):', 'if (password === confirmPassword) {', 'apiKey: process.env.API_KEY,',
    'password = ""', 'self.password = password', 'const secretKey = config.secretKey;', 'password: "<your password>"',
    'ACCESS_TOKEN: "access_token",', 'password: "[type=password]",', 'secret_key = settings.SECRET_KEY',
    'op = depthwiseConv2dNativeBackpropInput', 'password = "your_password"', 'sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
  ];
  for (const line of ordinary) assert.equal(secretInContent(line), null, line);
});
