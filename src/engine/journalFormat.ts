/** The journal format this build writes: `run.started` and `run.resumed` carry it. Older journals are migrated. */
export const JOURNAL_FORMAT = 'roleplay-journal';
export const JOURNAL_VERSION = 2;
