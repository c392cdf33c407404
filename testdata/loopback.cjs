// Preloaded with `node --require` by the tests: server-everything's sse and streamableHttp
// modes listen on all interfaces and have no host option, and tests must listen on loopback
// only. This makes every net.Server of the process bind 127.0.0.1.
'use strict';
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path === undefined) args[0] = Object.assign({}, first, { host: '127.0.0.1' });
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)) || first === undefined) {
    if (typeof args[1] === 'string') args[1] = '127.0.0.1';
    else args.splice(1, 0, '127.0.0.1');
    if (first === undefined) args[0] = 0;
  }
  return listen.apply(this, args);
};
