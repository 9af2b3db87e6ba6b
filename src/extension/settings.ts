// Reads the `seq2seq.*` settings: the only place that touches vscode's configuration.
import * as vscode from 'vscode';
import { FineTuneSettings, LearnSettings, sanitizeFineTune, sanitizeLearn, sanitizeSettings, Settings } from '../completion/settings';

export const SECTION = 'seq2seq';

/** The settings; with `languageId`, as they apply to that language's documents (values set under "[python]" etc.). */
export function readSettings(languageId?: string): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, languageId === undefined ? undefined : { languageId });
  return sanitizeSettings((key) => config.get(key));
}

export function readFineTuneSettings(): FineTuneSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return sanitizeFineTune((key) => config.get(key));
}

export function readLearnSettings(): LearnSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return sanitizeLearn((key) => config.get(key));
}
