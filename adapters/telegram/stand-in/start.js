// A local Telegram Bot API stand-in for hearth's end-to-end tests: the npm
// package telegram-test-api, with the routes hearth needs patched in.
//
// Usage: node start.js            (binds 127.0.0.1 on a free port)
//        STAND_IN_PLAIN=1 node start.js   (the package as published, unpatched)
// Prints one JSON line {"port": N} on stdout once it listens.
//
// What is patched, and why (telegram-test-api 4.2.x against teloxide 0.17):
// - getMe answers every field teloxide's `Me` requires;
// - getUpdates long-polls (waits up to `timeout` seconds for an update),
//   so a polling bot does not spin;
// - sendMessage answers a realistic Message (group chat, date in seconds);
// - callback updates carry `chat_instance`, which teloxide requires;
// - answerCallbackQuery, setMyCommands and deleteWebhook answer `true`;
// - getChatMember answers from admins the test declares;
// - setWebhook answers `true` and keeps `secret_token`, which every webhook
//   POST then carries in X-Telegram-Bot-Api-Secret-Token, as Telegram does;
//   webhook POSTs of one chat go out one after another, in order;
// - client routes: POST /sendUpdate (any raw update, e.g. my_chat_member),
//   POST /setChatAdmin {chatId, userId}, GET /botLog (calls recorded),
//   POST /failPosts {chatId, count, status, answer}: the next `count`
//   messages with buttons sent to chatId get that error answer instead;
// - sendPhoto (multipart) answers a photo Message and records chat, caption,
//   parse mode and the file (name, size, PNG signature and dimensions) in
//   the log's `photos`; its caption is kept as the bot message's text.
'use strict';

const axios = require('axios');
const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');

const BOT = {
  id: 666,
  is_bot: true,
  first_name: 'hearth',
  username: 'HearthTestBot',
};

const log = {
  photos: [], callbackAnswers: [], setMyCommands: [], getChatMember: [], setWebhook: [], webhookStatuses: [], failedSends: [],
};
const admins = new Set();
const failures = [];
const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];

const PLAIN = process.env.STAND_IN_PLAIN === '1';

const originalFormat = TelegramServer.formatUpdate;
const patchedFormat = (update) => {
  if ('raw' in update) {
    return { update_id: update.updateId, ...update.raw };
  }
  if ('callbackQuery' in update) {
    const formatted = originalFormat(update);
    formatted.callback_query.chat_instance = String(update.callbackQuery.chat_instance || 'stand-in');
    return formatted;
  }
  return originalFormat(update);
};

// Webhook delivery with the secret header; a non-2xx answer is recorded, not thrown.
// The next update and message ids are taken before the POST is awaited:
// updates said while an earlier one is still being delivered must not share
// its ids. (The package counts the message id up again after the await; ids
// then skip a number, which is harmless.)
// One chat's updates go out one after another, each once the POST before it
// was answered, so they reach the bot in the order they were said (separate
// concurrent POSTs may arrive in any order); different chats' go out at once.
const deliveries = new Map();

function chatOf(update) {
  const chat = (update.message && update.message.chat)
    || (update.callbackQuery && update.callbackQuery.message && update.callbackQuery.message.chat)
    || (update.raw && Object.values(update.raw).find((part) => part && part.chat) || {}).chat;
  return chat ? String(chat.id) : '';
}

async function patchedAddUserUpdate(update) {
  this.updateId += 1;
  if (update.message) this.messageId += 1;
  const webhook = this.webhooks[update.botToken];
  if (webhook) {
    const headers = webhook.secret_token ? { 'X-Telegram-Bot-Api-Secret-Token': webhook.secret_token } : {};
    const post = () => axios({
      url: webhook.url, method: 'POST', data: TelegramServer.formatUpdate(update), headers, validateStatus: () => true,
    });
    const chat = chatOf(update);
    const delivery = (deliveries.get(chat) || Promise.resolve()).then(post);
    deliveries.set(chat, delivery.catch(() => undefined));
    const response = await delivery;
    log.webhookStatuses.push(response.status);
  } else {
    this.storage.userMessages.push(update);
  }
}

// Text fields of a multipart/form-data body (teloxide sends setWebhook so,
// because it may carry a certificate file); express parses no multipart.
function multipartFields(req) {
  return new Promise((resolve, reject) => {
    const match = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] || '');
    if (!match) {
      resolve({});
      return;
    }
    const boundary = `--${match[1] || match[2]}`;
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const fields = {};
      for (const part of Buffer.concat(chunks).toString('utf8').split(boundary)) {
        const [head, ...rest] = part.split('\r\n\r\n');
        const name = /name="([^"]+)"/.exec(head || '');
        if (name) fields[name[1]] = rest.join('\r\n\r\n').replace(/\r\n$/, '');
      }
      resolve(fields);
    });
  });
}

// Every part of a multipart/form-data body, binary-safe: {name, filename, data}.
function multipartParts(req) {
  return new Promise((resolve, reject) => {
    const match = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] || '');
    if (!match) {
      resolve([]);
      return;
    }
    const boundary = Buffer.from(`--${match[1] || match[2]}`);
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => {
      const whole = Buffer.concat(chunks);
      const parts = [];
      let at = whole.indexOf(boundary);
      while (at >= 0) {
        const next = whole.indexOf(boundary, at + boundary.length);
        if (next < 0) break;
        const part = whole.subarray(at + boundary.length + 2, next - 2);
        const split = part.indexOf('\r\n\r\n');
        if (split >= 0) {
          const head = part.subarray(0, split).toString('utf8');
          const name = /name="([^"]+)"/.exec(head);
          const filename = /filename="([^"]*)"/.exec(head);
          if (name) parts.push({ name: name[1], filename: filename ? filename[1] : null, data: part.subarray(split + 4) });
        }
        at = next;
      }
      resolve(parts);
    });
  });
}

// What the log says about a sent file: a PNG's signature and size from its header.
function describeFile(part) {
  const data = part.data;
  const png = data.length >= 24 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return {
    field: part.name,
    filename: part.filename,
    bytes: data.length,
    png,
    width: png ? data.readUInt32BE(16) : null,
    height: png ? data.readUInt32BE(20) : null,
  };
}

function body(req) {
  return { ...(req.query || {}), ...(req.body || {}) };
}

function patchedRoutes(app, server) {
  app.all('/bot:token/getMe', (_req, res) => {
    res.json({
      ok: true,
      result: {
        ...BOT,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
      },
    });
  });

  app.all('/bot:token/getUpdates', (req, res) => {
    const token = req.params.token;
    const timeout = Math.min(Number(body(req).timeout || 0), 25);
    let done = false;
    let timer = null;
    const cleanup = () => {
      done = true;
      if (timer) clearTimeout(timer);
      USER_EVENTS.forEach((event) => server.off(event, finish));
    };
    function finish() {
      if (done) return;
      cleanup();
      res.json({ ok: true, result: server.getUpdates(token) });
    }
    const pending = server.storage.userMessages.some((u) => u.botToken === token && !u.isRead);
    if (pending || timeout <= 0) {
      finish();
      return;
    }
    USER_EVENTS.forEach((event) => server.on(event, finish));
    timer = setTimeout(finish, timeout * 1000);
    // A poll the bot gave up on must not mark updates read.
    res.on('close', () => { if (!done) cleanup(); });
  });

  app.all('/bot:token/sendMessage', (req, res) => {
    const request = body(req);
    const failure = request.reply_markup
      && failures.find((f) => f.count > 0 && String(f.chatId) === String(request.chat_id));
    if (failure) {
      failure.count -= 1;
      log.failedSends.push({ chatId: request.chat_id, status: failure.status });
      res.status(failure.status).json(failure.answer);
      return;
    }
    const sent = server.addBotMessage(body(req), req.params.token);
    const chatId = Number(sent.chat_id);
    res.json({
      ok: true,
      result: {
        message_id: sent.message_id,
        date: Math.floor(Date.now() / 1000),
        chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: 'Test group' }
          : { id: chatId, type: 'private', first_name: 'Member' },
        from: BOT,
        text: sent.text,
        ...(sent.reply_markup ? { reply_markup: sent.reply_markup } : {}),
      },
    });
  });

  app.all('/bot:token/sendPhoto', async (req, res) => {
    const parts = await multipartParts(req);
    const fields = { ...body(req) };
    let file = null;
    for (const part of parts) {
      if (part.filename !== null) file = describeFile(part);
      else fields[part.name] = part.data.toString('utf8');
    }
    log.photos.push({
      chat_id: fields.chat_id, photo: fields.photo || null, caption: fields.caption || '',
      parse_mode: fields.parse_mode || null, file,
    });
    const sent = server.addBotMessage({ chat_id: fields.chat_id, text: fields.caption || '' }, req.params.token);
    const chatId = Number(sent.chat_id);
    res.json({
      ok: true,
      result: {
        message_id: sent.message_id,
        date: Math.floor(Date.now() / 1000),
        chat: chatId < 0 ? { id: chatId, type: 'supergroup', title: 'Test group' }
          : { id: chatId, type: 'private', first_name: 'Member' },
        from: BOT,
        photo: [{ file_id: `photo-${sent.message_id}`, file_unique_id: `p${sent.message_id}`, width: file ? file.width : 0, height: file ? file.height : 0 }],
        ...(fields.caption ? { caption: fields.caption } : {}),
      },
    });
  });

  app.all('/bot:token/answerCallbackQuery', (req, res) => {
    log.callbackAnswers.push(body(req));
    res.json({ ok: true, result: true });
  });

  app.all('/bot:token/setMyCommands', (req, res) => {
    log.setMyCommands.push(body(req));
    res.json({ ok: true, result: true });
  });

  app.all('/bot:token/setWebhook', async (req, res) => {
    const webhook = { ...body(req), ...(await multipartFields(req)) };
    log.setWebhook.push(webhook);
    server.setWebhook(webhook, req.params.token);
    res.json({ ok: true, result: true });
  });

  app.all('/bot:token/deleteWebhook', (req, res) => {
    server.deleteWebhook(req.params.token);
    res.json({ ok: true, result: true });
  });

  app.all('/bot:token/getChatMember', (req, res) => {
    const { chat_id: chatId, user_id: userId } = body(req);
    log.getChatMember.push({ chatId, userId });
    const user = { id: Number(userId), is_bot: false, first_name: `User ${userId}` };
    const result = admins.has(`${chatId}:${userId}`)
      ? {
        status: 'administrator',
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
      }
      : { status: 'member', user };
    res.json({ ok: true, result });
  });

  app.post('/sendUpdate', async (req, res) => {
    const { botToken, update } = req.body;
    await server.addUserUpdate({ ...server.getCommonFields(botToken), raw: update });
    server.emit('AddedUserMessage');
    res.json({ ok: true, result: null });
  });

  app.post('/failPosts', (req, res) => {
    failures.push({ ...req.body });
    res.json({ ok: true, result: null });
  });

  app.post('/setChatAdmin', (req, res) => {
    admins.add(`${req.body.chatId}:${req.body.userId}`);
    res.json({ ok: true, result: null });
  });

  app.get('/botLog', (_req, res) => {
    res.json({ ok: true, result: log });
  });
}

async function main() {
  if (!PLAIN) {
    // Registered before the package's own routes, so these win.
    routes.unshift(patchedRoutes);
    TelegramServer.formatUpdate = patchedFormat;
    TelegramServer.prototype.addUserUpdate = patchedAddUserUpdate;
  }
  const server = new TelegramServer({ host: '127.0.0.1', port: 1 });
  server.config.port = Number(process.env.STAND_IN_PORT || 0);
  await server.start();
  const { port } = server.server.address();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const stop = () => server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`stand-in failed: ${error.stack || error}\n`);
  process.exit(1);
});
