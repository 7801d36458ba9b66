import pkg from '../../package.json' with { type: 'json' };

/** The gateway version, from package.json. */
export const VERSION: string = pkg.version;
