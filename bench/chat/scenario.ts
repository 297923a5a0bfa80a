// Shared by the chatbot benchmark's parent (load generator) and its server child.
export const BOT_PASSWORD = 'Bench-pass1';
export const botLogin = (i: number) => `bot${String(i).padStart(3, '0')}`;
export interface ReadyMessage { type: 'ready'; port: number }
