declare const __ROLEPLAY_VERSION__: string | undefined;

/** The package's version, put in by the build; `0.0.0-dev` when the sources run unbuilt (tests). */
export const VERSION = typeof __ROLEPLAY_VERSION__ === 'string' ? __ROLEPLAY_VERSION__ : '0.0.0-dev';
