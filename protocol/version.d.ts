/** Version of the page <-> worker <-> server protocol. Bumped on any incompatible change. */
export declare const PROTOCOL_VERSION = 1;
