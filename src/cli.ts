#!/usr/bin/env node
// The `dagsorden` command line. Commands import their heavy modules (exceljs, docx, Google clients)
// only when they run, so `--help` and a scheduled no-op stay fast.

import { Command, CommanderError, Option } from 'commander';
import type { AuthOptions, InitSheetOptions, PublishOptions, RenderOptions, ServeOptions } from './commands/options.js';
import { EXIT_CODES, fileSystemError, UserError } from './errors.js';

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

program
  .command('render')
  .description('skriver dagsorden eller referat som .docx og .pdf: DIR/<Møde-id>/<art>-<udgave>.<format>')
  .requiredOption('--meeting <id>', 'Møde-id')
  .addOption(new Option('--kind <art>', 'dagsorden eller referat').choices(['dagsorden', 'referat']).makeOptionMandatory())
  .addOption(new Option('--edition <udgave>', 'medlemmer eller offentlig (standard: begge)').choices(['medlemmer', 'offentlig']))
  .option('--format <formater>', 'docx,pdf', 'docx,pdf')
  .requiredOption('--out <mappe>', 'mappen dokumenterne skrives i')
  .addOption(workbookOption())
  .addOption(sheetOption())
  .action(async (opts: RenderOptions) => {
    const { runRender } = await import('./commands/render.js');
    process.exitCode = await runRender(opts);
  });

program
  .command('publish')
  .description('det planlagte job: udgiver det, der er klar, sender det, der skyldes, og skriver status tilbage')
  .option('--now <iso>', 'lad som om klokken er dette tidspunkt (til test og indhentning)')
  .option('--dry-run', 'vis planen uden at gøre noget')
  .option('--out <mappe>', 'lokal mappe til dokumenter, outbox og tilstand (uden Google)', 'out')
  .option('--site <mappe>', 'skriv den offentlige hjemmeside i denne mappe (standard: <out>/site, eller Hjemmeside-bucket)')
  .addOption(workbookOption())
  .addOption(sheetOption())
  .action(async (opts: PublishOptions) => {
    const { runPublish } = await import('./commands/publish.js');
    process.exitCode = await runPublish(opts);
  });

program
  .command('serve')
  .description('viser den offentlige hjemmeside på denne computer (http://localhost:8080/) og tager imod tilmeldinger til e-mails')
  .option('--site <mappe>', 'mappen med hjemmesiden', 'out/site')
  .option('--out <mappe>', 'mappen med abonnementsdatabasen og udbakken', 'out')
  .addOption(workbookOption())
  .addOption(sheetOption())
  .option('--port <port>', 'porten', '8080')
  .option('--host <adresse>', 'adressen der lyttes på', '127.0.0.1')
  .action(async (opts: ServeOptions) => {
    const { runServe } = await import('./commands/serve.js');
    process.exitCode = await runServe(opts);
  });

program
  .command('init-sheet')
  .description('opretter et nyt Google Sheet med faner, overskrifter, noter, rullelister og afkrydsningsfelter')
  .option('--title <titel>', 'regnearkets titel', 'Chefforum – dagsordener og referater')
  .option('--with-example', 'fyld eksemplets rækker i')
  .action(async (opts: InitSheetOptions) => {
    const { runInitSheet } = await import('./commands/init-sheet.js');
    process.exitCode = await runInitSheet(opts);
  });

program
  .command('doctor')
  .description('kontrollerer uden at sende eller udgive noget, om den planlagte kørsel vil virke (exit 0: alt i orden)')
  .addOption(sheetOption())
  .action(async (opts: { sheet?: string }) => {
    const { runDoctor } = await import('./commands/doctor.js');
    process.exitCode = await runDoctor(opts);
  });

program
  .command('auth')
  .description('engangs-login hos Google i browseren; gemmer nøglen til de planlagte kørsler')
  .option('--client <fil>', 'OAuth-klientens JSON (Desktop app) fra Google Cloud Console', 'credentials.json')
  .option('--token <fil>', 'hvor nøglen gemmes (standard: ~/.config/dagsorden/token.json)')
  .action(async (opts: AuthOptions) => {
    const { runAuth } = await import('./commands/auth.js');
    process.exitCode = await runAuth(opts);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_CODES.usage;
      return;
    }
    const known = e instanceof UserError ? e : fileSystemError(e);
    if (known) {
      process.stderr.write(`Fejl: ${known.message}\n`);
      process.exitCode = EXIT_CODES[known.reason];
      return;
    }
    process.stderr.write(`Uventet fejl (en programfejl): ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 70;
  }
}

await main();
