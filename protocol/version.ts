/** Version of the page <-> worker <-> server protocol. Bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;
