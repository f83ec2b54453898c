/**
 * The command table. Add a command by writing commands/<name>.ts that exports
 * a Command and listing it here; main.ts does the parsing, help and errors.
 */
import type { Command } from '../command.ts';
import { importCommand } from './import.ts';
import { datasetsCommand } from './datasets.ts';
import { describeCommand } from './describe.ts';
import { rmCommand } from './rm.ts';
import { serveCommand } from './serve.ts';
import { trainCommand } from './train.ts';
import { compareCommand } from './compare.ts';
import { correlateCommand } from './correlate.ts';
import { modelsCommand } from './models.ts';
import { exportCommand } from './export.ts';
import { loadCommand } from './load.ts';
import { predictCommand } from './predict.ts';
import { searchCommand } from './search.ts';

export const COMMANDS: Command[] = [importCommand, datasetsCommand, describeCommand, rmCommand, serveCommand, trainCommand, compareCommand, correlateCommand, modelsCommand, exportCommand, loadCommand, predictCommand, searchCommand];
