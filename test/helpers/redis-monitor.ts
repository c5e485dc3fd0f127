import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** One command as MONITOR shows it: its arguments still escaped the way Redis prints them, and who sent it. */
export type MonitorListener = (args: string[], source: string) => void;

export interface RedisMonitor {
  close(): void;
}

/**
 * MONITOR on a plain socket. ioredis's `monitor()` enters monitoring mode a microtask after MONITOR's `+OK`, so a
 * command line that arrives in the same TCP read as that `+OK` finds an empty command queue and is raised as
 * "Command queue state error" (it failed CI once). Reading the lines ourselves has no such window: every line after
 * `+OK` is a command, in the order Redis ran it.
 */
export async function startMonitor(url: string, onCommand: MonitorListener): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.setEncoding('utf8');
  let buffered = '';
  let answer: ((line: string) => void) | undefined;
  const monitoring = new Promise<void>((resolve, reject) => {
    answer = (line) => (line === '+OK' ? resolve() : reject(new Error(`MONITOR answered ${line}`)));
  });
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (answer) {
        answer(line);
        answer = undefined;
        continue;
      }
      // `+<time> [<db> <client>] "arg" "arg" ...`, or `[<db> lua]` for a script's own calls.
      const open = line.indexOf('[');
      const close = line.indexOf(']', open);
      const source = line.slice(open + 1, close).split(' ')[1] ?? '';
      const quoted = line.slice(close + 2);
      const args = quoted.slice(1, -1).split('" "').map((arg) => arg.replace(/\\"/g, '"'));
      onCommand(args, source);
    }
  });
  socket.write('MONITOR\r\n');
  await monitoring;
  return { close: () => socket.destroy() };
}
