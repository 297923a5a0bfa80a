/** The benchmark's conference, shared by the server child and the load generator. */
export const ALIAS = 'bench-room';
export const HOST_PIN = '1234';
export const GUEST_PIN = '5678';

export interface ReadyMessage { type: 'ready'; port: number }
