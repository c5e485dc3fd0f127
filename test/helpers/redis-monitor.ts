import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

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
  const lines = createInterface({ input: socket, crlfDelay: Infinity });
  const monitoring = new Promise<void>((resolve, reject) => {
    let answered = false;
    lines.on('line', (line) => {
      if (!answered) {
        answered = true;
        if (line === '+OK') resolve();
        else reject(new Error(`MONITOR answered ${line}`));
        return;
      }
      // `+<time> [<db> <client>] "arg" "arg" ...`, or `[<db> lua]` for a script's own calls.
      const open = line.indexOf('[');
      const close = line.indexOf(']', open);
      const source = line.slice(open + 1, close).split(' ')[1] ?? '';
      const quoted = line.slice(close + 2);
      onCommand(quoted.slice(1, -1).split('" "').map((arg) => arg.replace(/\\"/g, '"')), source);
    });
  });
  socket.write('MONITOR\r\n');
  await monitoring;
  return { close: () => socket.destroy() };
}
