// Which model is active, owned here and nowhere else: the `seq2seq.modelPath` setting when it is set, else this
// workspace's fine-tuned model when one exists and is in use, else the shipped base model. resolve() says what it
// decided and why ({dir, source}); everyone else asks it. Every change it makes is announced (onDidChange), and
// the engine controller loads what it announces: no caller switches the engine itself. The workspace model lives
// in the extension's workspace storage, never in the user's repository.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Settings } from '../completion/settings';
import { modelFolderCandidates, removeModelFolder } from '../host/modelFolder';

const USE_KEY = 'seq2seq.useWorkspaceModel';

/** setting: seq2seq.modelPath; workspace: this workspace's fine-tuned model; base: the shipped one. */
export type ModelSource = 'setting' | 'workspace' | 'base';

export interface ActiveModelChoice {
  dir: string;
  source: ModelSource;
}

/** A change of the active model: `contentChanged` when the same folder now holds another model (a save). */
export interface ActiveModelChange {
  contentChanged: boolean;
}

export class ActiveModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveModelChange>();
  /** Fired after every change this class makes; the engine controller loads the model resolve() then names. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly settings: () => Settings) {}

  resolve(): ActiveModelChoice {
    const setting = this.settings().modelPath;
    if (setting) return { dir: setting, source: 'setting' };
    const workspace = this.workspaceDir;
    if (workspace && this.hasWorkspaceModel && this.context.workspaceState.get<boolean>(USE_KEY) !== false) return { dir: workspace, source: 'workspace' };
    return { dir: path.join(this.context.extensionPath, 'models', 'base'), source: 'base' };
  }

  /** Where a fine-tune writes this workspace's model, or undefined without a workspace. */
  get workspaceDir(): string | undefined {
    return this.context.storageUri ? vscode.Uri.joinPath(this.context.storageUri, 'model').fsPath : undefined;
  }

  /** A saved workspace model, or the previous one an interrupted save left (the engine's load recovers it). */
  get hasWorkspaceModel(): boolean {
    const dir = this.workspaceDir;
    return dir !== undefined && modelFolderCandidates(dir).some((d) => existsSync(path.join(d, 'model.json')));
  }

  /** The user chose the base model for this workspace (Use the Base Model), so no workspace model is used or learnt. */
  get baseChosen(): boolean {
    return this.context.workspaceState.get<boolean>(USE_KEY) === false;
  }

  /** Records whether this workspace uses its fine-tuned model, and announces it. */
  async useWorkspaceModel(on: boolean): Promise<void> {
    await this.context.workspaceState.update(USE_KEY, on);
    this.changed.fire({ contentChanged: false });
  }

  /**
   * A learner saved a new workspace model: in use from now on, announced. (The background learner never runs after
   * the user chose the base model; the Fine-tune command is the user asking for the workspace model.)
   */
  async workspaceModelSaved(): Promise<void> {
    await this.context.workspaceState.update(USE_KEY, true);
    this.changed.fire({ contentChanged: true });
  }

  /** Removes the workspace model with everything an interrupted save left beside it, and announces it. */
  async deleteWorkspaceModel(): Promise<void> {
    const dir = this.workspaceDir;
    if (dir) await removeModelFolder(dir);
    this.changed.fire({ contentChanged: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
