import { createServer, type Server, type Socket } from 'node:net';

// A mail server for tests that send e-mail (conference notifications): it records what it is told.
/** Just enough SMTP to receive a message: greeting, EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, '.', QUIT. */
export interface Smtp { port: number; commands: string[]; messages: string[]; close(): Promise<void> }

export function smtpServer(): Promise<Smtp> {
  const commands: string[] = [];
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.setEncoding('utf8');
    let buf = '';
    let data: string | null = null;
    sock.write('220 smtp.test ESMTP\r\n');
    sock.on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (data !== null) {
          if (line === '.') { messages.push(data); data = null; sock.write('250 2.0.0 queued\r\n'); }
          else data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
          continue;
        }
        commands.push(line);
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO') sock.write('250-smtp.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') sock.write('250 smtp.test\r\n');
        else if (verb === 'AUTH') sock.write('235 2.7.0 accepted\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') sock.write('250 2.1.0 ok\r\n');
        else if (verb === 'DATA') { data = ''; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('502 5.5.2 unknown\r\n');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({
      port: typeof addr === 'object' && addr ? addr.port : 0, commands, messages,
      close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    });
  }));
}
