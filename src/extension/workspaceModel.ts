// The per-workspace fine-tuned model: where it lives (the extension's workspace storage, never the user's
// repository), whether it is in use, and its removal.
import { existsSync, promises as fs } from 'node:fs';
import * as vscode from 'vscode';

const USE_KEY = 'seq2seq.useWorkspaceModel';

export class WorkspaceModel {
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The folder the fine-tune writes to, or undefined without a workspace. */
  get dir(): string | undefined {
    return this.context.storageUri ? vscode.Uri.joinPath(this.context.storageUri, 'model').fsPath : undefined;
  }

  /** The folder to load, when a workspace model exists and is in use. A crash mid-swap leaves `.old`. */
  get active(): string | null {
    const dir = this.dir;
    if (!dir || this.context.workspaceState.get<boolean>(USE_KEY) === false) return null;
    if (existsSync(`${dir}/model.json`)) return dir;
    if (existsSync(`${dir}.old/model.json`)) return `${dir}.old`;
    return null;
  }

  get exists(): boolean {
    return this.dir !== undefined && existsSync(`${this.dir}/model.json`);
  }

  useIt(on: boolean): void {
    void this.context.workspaceState.update(USE_KEY, on);
  }

  async delete(): Promise<void> {
    const dir = this.dir;
    if (!dir) return;
    for (const d of [dir, `${dir}.old`, `${dir}.staging`]) await fs.rm(d, { recursive: true, force: true });
  }
}
