// A loopback SMTP server in its own process for `npm run bench -- mail-out`: it accepts
// every message, reads every byte and counts. Separate from the sender's process, as a
// real mail server is, so the bench measures the sender's work and not both ends.
import { SMTPServer } from 'smtp-server';

let accepted = 0;
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 50,
  onData(stream, _session, cb) {
    stream.on('data', (c) => (bytes += c.length));
    stream.on('end', () => {
      accepted++;
      cb();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send?.({ accepted, bytes });
  if (m === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
