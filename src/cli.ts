#!/usr/bin/env node
// The `dagsorden` command line. Commands import their heavy modules (exceljs, docx, Google clients)
// only when they run, so `--help` and a scheduled no-op stay fast.

import { Command, CommanderError, Option } from 'commander';
import { EXIT_CODES, UserError } from './errors.js';

const program = new Command();
program
  .name('dagsorden')
  .description('Dagsordener og referater for et ledelsesforum, fra ét regneark.')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const workbookOption = () => new Option('--workbook <fil>', 'lokalt regneark (.xlsx); uden kilde bruges det medfølgende eksempel');
const sheetOption = () => new Option('--sheet <id>', 'Google Sheet-id (eller miljøvariablen DAGSORDEN_SHEET)');

program
  .command('validate')
  .description('læser regnearket og viser alle problemer (exit 0: ingen, 1: problemer)')
  .addOption(workbookOption())
  .addOption(sheetOption())
  .action(async (opts: { workbook?: string; sheet?: string }) => {
    const { runValidate } = await import('./commands/validate.js');
    process.exitCode = await runValidate(opts);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_CODES.usage;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`Fejl: ${e.message}\n`);
      process.exitCode = EXIT_CODES[e.reason];
      return;
    }
    process.stderr.write(`Uventet fejl (en programfejl): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  }
}

await main();
