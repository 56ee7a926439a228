// The page's DOM, kept apart from the Winsock code in main.ts so that file reads like a port of
// a Windows client.

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lost its #${id}`);
  return element as T;
}

export const ui = {
  relayUrl: byId<HTMLElement>('relay-url'),
  connectForm: byId<HTMLFormElement>('connect-form'),
  host: byId<HTMLInputElement>('host'),
  port: byId<HTMLInputElement>('port'),
  connect: byId<HTMLButtonElement>('connect'),
  status: byId<HTMLElement>('status'),
  sendForm: byId<HTMLFormElement>('send-form'),
  message: byId<HTMLInputElement>('message'),
  send: byId<HTMLButtonElement>('send'),
  replies: byId<HTMLElement>('replies'),
  log: byId<HTMLOListElement>('log'),
};

export type Status = 'idle' | 'connecting' | 'connected' | 'failed';

/** Shows the connection state and enables what makes sense in it. */
export function setStatus(status: Status, text: string): void {
  ui.status.dataset.state = status;
  ui.status.textContent = text;
  const open = status === 'connected';
  ui.connect.textContent = status === 'connecting' || open ? 'Disconnect' : 'Connect';
  ui.host.disabled = ui.port.disabled = status === 'connecting' || open;
  ui.message.disabled = ui.send.disabled = !open;
  if (open) ui.message.focus();
}

/** One line of the event log: a time, what happened, and details (red when it is an error). */
export function logLine(name: string, detail: string, isError = false): void {
  const item = document.createElement('li');
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date().toLocaleTimeString(undefined, { hour12: false });
  const label = document.createElement('span');
  label.className = 'name';
  label.textContent = name;
  const text = document.createElement('span');
  text.textContent = detail;
  if (isError) text.className = 'error';
  item.append(time, label, text);
  ui.log.append(item);
  ui.log.scrollTop = ui.log.scrollHeight;
}

/** Appends received text to the replies pane, as it arrives (it may end mid-line). */
export function appendReply(text: string): void {
  ui.replies.textContent += text;
  ui.replies.scrollTop = ui.replies.scrollHeight;
}
