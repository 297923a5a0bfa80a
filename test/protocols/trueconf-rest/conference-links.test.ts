import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, errorOf, type TestServer } from '../../helpers/server.js';
import { smtpServer, type Smtp } from '../../helpers/smtp.js';

let t: TestServer;
let smtp: Smtp;
before(async () => {
  smtp = await smtpServer();
  t = await startServer({ smtpUrl: `smtp://mailer:secret@127.0.0.1:${smtp.port}`, smtpFrom: 'conferences@parley.test' });
  for (const [login, email] of [['alice', 'alice@parley.test'], ['bob', 'bob@parley.test'], ['dave', undefined]]) {
    const r = await api(t, 'POST', '/users', { login_name: login, password: 'Pass-word1', display_name: login, ...(email ? { email } : {}) });
    assert.equal(r.status, 200, r.text);
  }
  const c = await api(t, 'POST', '/conferences', {
    id: 'links', topic: 'Plan, review; ship', owner: 'alice',
    schedule: { type: 1, start_time: 1893456000, duration: 5400 }, // 2030-01-01T00:00:00Z, 90 min
    invitations: [{ id: 'alice' }, { id: 'bob' }, { id: 'dave' }, { id: 'guest@elsewhere.example' }],
  });
  assert.equal(c.status, 200, c.text);
});
after(async () => { await t.close(); await smtp.close(); });

test('calendars: google, outlook and other links from the schedule', async () => {
  const r = await api(t, 'GET', '/conferences/links/calendars?lang=ru');
  assert.equal(r.status, 200, r.text);
  const { google, outlook, other } = r.body.calendars;
  assert.deepEqual(Object.keys(r.body.calendars), ['google', 'outlook', 'other']);
  assert.ok(google.startsWith('http://www.google.com/calendar/event?action=TEMPLATE&dates=20300101T000000%2F20300101T013000&text=Video%20conference%20Plan%2C%20review%3B%20ship'), google);
  assert.ok(google.includes('&location=https%3A%2F%2Fparley.test%2Fc%2Flinks&details=Click%20the%20link%20below%20to%20join%20the%20web%20conference%20at%20the%20specific%20time%20and%20date%3A%0Ahttps%3A%2F%2Fparley.test%2Fc%2Flinks%0A'), google);
  assert.ok(!google.includes('recur='), 'one-time conference has no recurrence');
  assert.ok(outlook.startsWith('https://outlook.live.com/owa/?path=/calendar/action/compose&rru=addevent&startdt=20300101T000000&enddt=20300101T013000&subject=Video%20conference%20'), outlook);
  assert.equal(other, 'https://parley.test/api/v3.10/conferences/links/ics');
  const v35 = await api(t, 'GET', '/conferences/links/calendars', undefined, { version: '3.5' });
  assert.equal(v35.body.calendars.other, 'https://parley.test/api/v3.5/conferences/links/ics');

  await api(t, 'POST', '/conferences', { id: 'weekly', topic: 'Weekly', owner: 'alice', schedule: { type: 0, days: ['monday', 'wednesday'], time: '09:00', duration: 1800 } });
  const w = await api(t, 'GET', '/conferences/weekly/calendars');
  assert.ok(w.body.calendars.google.includes('&recur=RRULE%3AFREQ%3DWEEKLY%3BINTERVAL%3D1%3BBYDAY%3DMO%2CWE'), w.body.calendars.google);
  assert.match(w.body.calendars.google, /dates=\d{8}T090000%2F\d{8}T093000/);
});

test('ics: iCalendar text with CRLF lines, escaped text and the schedule', async () => {
  const r = await api(t, 'GET', '/conferences/links/ics');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^text\/calendar/);
  const text = r.text;
  assert.ok(text.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  const lines = text.split('\r\n');
  for (const l of lines) assert.ok(Buffer.byteLength(l) <= 75, `line too long: ${l}`);
  const unfolded = text.replace(/\r\n /g, '');
  for (const expected of ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//parley.test//NONSGML Parley//EN', 'CALSCALE:GREGORIAN',
    'METHOD:REQUEST', 'X-WR-CALNAME:TrueConf', 'X-WR-CALDESC:Events calendar', 'BEGIN:VEVENT', 'UID:links', 'CLASS:PUBLIC',
    'DTSTART:20300101T000000Z', 'DTEND:20300101T013000Z', 'SUMMARY:Video conference \'Plan\\, review\\; ship\'',
    'DESCRIPTION:Join the video conference "Plan\\, review\\; ship":\\nhttps://parley.test/c/links', 'BEGIN:VALARM',
    'ACTION:DISPLAY', 'TRIGGER:-PT1H0M0S', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR']) {
    assert.ok(unfolded.split('\r\n').includes(expected), `missing line ${expected}\n${unfolded}`);
  }
  assert.match(unfolded, /\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
  const post = await api(t, 'POST', '/conferences/links/ics?lang=de', undefined, { version: '3.5' });
  assert.equal(post.status, 200);
  assert.match(post.text, /^BEGIN:VCALENDAR\r\n/);
  const weekly = await api(t, 'GET', '/conferences/weekly/ics');
  assert.ok(weekly.text.includes('\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE\r\n'));
  const badLang = await api(t, 'GET', '/conferences/links/ics?lang=12');
  assert.equal(badLang.status, 400);
  assert.equal(errorOf(badLang).reason, 'invalidParameter');
  const v3 = await api(t, 'GET', '/conferences/links/ics', undefined, { version: '3' });
  assert.equal(v3.status, 404, 'ics exists from v3.1');
});

test('owner and shared', async () => {
  const o = await api(t, 'GET', '/conferences/links/owner');
  assert.deepEqual(o.body, { owner: 'alice@parley.test' });
  const s = await api(t, 'GET', '/conferences/links/shared');
  assert.deepEqual(s.body, {
    embedded: {
      webrtc: '<iframe allowfullscreen="allowfullscreen" width="720" height="405" allow="microphone; camera; autoplay; display-capture" src="https://parley.test/c/links"></iframe>',
      cdn_video: null,
    },
    rtsp_url: null,
  });
});

test('unknown conference: calendars, ics, owner, shared, notify are 404', async () => {
  for (const [m, p] of [['GET', 'calendars'], ['GET', 'ics'], ['POST', 'ics'], ['GET', 'owner'], ['GET', 'shared'], ['POST', 'notify']]) {
    const r = await api(t, m, `/conferences/nope/${p}`);
    assert.deepEqual(errorOf(r), { code: 404, reason: 'conferenceNotFound', message: 'Conference nope is not found.' }, p);
  }
  const singular = await api(t, 'POST', '/conference/nope/notify');
  assert.equal(errorOf(singular).reason, 'conferenceNotFound');
});

test('notify mails every invited user with an e-mail through SMTP', async () => {
  const r = await api(t, 'POST', '/conference/links/notify');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { result: true });
  assert.equal(smtp.messages.length, 2, 'alice and bob; dave has no e-mail, the guest is no user');
  const rcpts = smtp.commands.filter((c) => c.startsWith('RCPT')).map((c) => c.toLowerCase());
  assert.deepEqual(rcpts.sort(), ['rcpt to:<alice@parley.test>', 'rcpt to:<bob@parley.test>']);
  assert.ok(smtp.commands.some((c) => c.startsWith('AUTH PLAIN')), 'credentials from PARLEY_SMTP_URL are used');
  assert.ok(smtp.commands.some((c) => c.toLowerCase() === 'mail from:<conferences@parley.test>'));
  const bobMail = smtp.messages.find((m) => /^To: bob@parley\.test$/m.test(m));
  assert.ok(bobMail, smtp.messages.join('\n----\n'));
  assert.match(bobMail!, /^Subject: /m);
  assert.ok(bobMail!.replace(/=\r\n/g, '').includes('https://parley.test/c/links'), bobMail);

  const plural = await api(t, 'POST', '/conferences/links/notify', undefined, { version: '3.3' });
  assert.deepEqual(plural.body, { result: true });
  assert.equal(smtp.messages.length, 4);
  const old = await api(t, 'POST', '/conferences/links/notify', undefined, { version: '3.2' });
  assert.equal(old.status, 404, 'notify exists from v3.3');
});

test('notify without a mail server is 503 serviceUnavailable', async () => {
  const bare = await startServer();
  try {
    await api(bare, 'POST', '/users', { login_name: 'erin', password: 'Pass-word1', email: 'erin@parley.test' });
    await api(bare, 'POST', '/conferences', { id: 'nomail', topic: 'x', owner: 'erin' });
    const r = await api(bare, 'POST', '/conferences/nomail/notify');
    assert.equal(r.status, 503);
    assert.deepEqual(r.body, { error: { code: 503, message: 'Service Unavailable', errors: [{ reason: 'serviceUnavailable', message: 'Service Unavailable' }] } });
  } finally {
    await bare.close();
  }
});
