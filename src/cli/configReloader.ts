/**
 * Live config reload: on `R` in the TUI, or when the config file changes on disk, load it again and hand it to
 * the engine between turns. An invalid config shows its error and the old one stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { Engine } from '../engine/engine.js';

export class ConfigReloader {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly configPath: string,
    /** The command line's overrides (--max-turns, --context) apply to a reloaded config too. */
    private readonly adjust: (config: ResolvedConfig) => void,
  ) {}

  /** Watches the file; editors that replace it on save are followed by watching its folder. */
  start(): void {
    const file = path.basename(this.configPath);
    try {
      this.watcher = watch(path.dirname(this.configPath), (_event, name) => {
        if (name !== file) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reload(), 150);
      });
      this.watcher.unref();
    } catch {
      // No watching on this file system: `R` still reloads by hand.
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  async reload(): Promise<void> {
    const shown = path.relative(process.cwd(), this.configPath) || this.configPath;
    try {
      const { config } = await loadConfig({ configPath: this.configPath });
      this.adjust(config);
      const result = this.engine.reloadConfig(config);
      if (!result.ok) this.engine.warn('config-reload', `${shown} not reloaded: ${result.reason}`);
      else if (result.changed.length === 0) this.engine.warn('config-reload', `${shown} reloaded: nothing changed`);
    } catch (error) {
      const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
      this.engine.warn('config-reload', `${message}; keeping the previous config`);
    }
  }
}
