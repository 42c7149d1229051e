#!/usr/bin/env python3
"""CPU of a .NET process by area, from a sample-profiler trace converted to speedscope (docs/benchmarks.md,
"Where an inbound connection's CPU goes"). Each sample on a thread that is not waiting goes to the area of its
innermost frame that names one; usage: cpu-buckets.py listener.speedscope.json"""
import json,sys,collections
d=json.load(open(sys.argv[1])); fr=d['shared']['frames']
waits=('WaitNative','WaitOneNoCheck','Interop+Sys.Read(','LowLevelSpinWaiter','SocketAsyncEngine.EventLoop','Thread.Sleep','WaitForSignal','TimerQueue.TimerThread','GateThreadStart','GetGCMemoryInfo')
buckets=[('X25519 scalar multiplications',('crypto_scalarmult','SodiumX25519')),
 ('NSec secure memory (sodium_malloc/free, key objects)',('sodium_malloc','sodium_free','SecureMemoryHandle','KeyAgreementAlgorithm.Agree','X25519.CreateKey','Key.Create','SharedSecret')),('Ed25519 signature check',('ed25519_verify','Ed25519')),
 ('socket I/O and setup (send, receive, accept, register, shutdown)',('SocketPal.','Sockets!Interop','TryRegister','Socket.Shutdown','Socket.Accept')),
 ('Noise symmetric work (ChaCha20-Poly1305, SHA-256, HKDF)',('ChaCha20','SHA256','HMACSHA256','SymmetricState','CipherState')),
 ('multistream-select',('MultistreamSelect',)),('yamux',('Yamux',)),('identify',('Identify',)),('peer ids (base58)',('Base58','PeerId')),
 ('GC',('PollGC','GC.',))]
tot=0; cnt=collections.Counter()
for p in d['profiles']:
  stack=[]; last=None
  for e in p['events']:
    if last is not None and e['at']>last and stack:
      names=[fr[i]['name'] for i in stack]; w=e['at']-last
      if not any(any(x in n for x in waits) for n in names):
        tot+=w
        hit=None
        for n in reversed(names):
          for b,keys in buckets:
            if any(k in n for k in keys): hit=b; break
          if hit: break
        cnt[hit or 'other (async machinery, thread pool, rest)']+=w
    last=e['at']
    if e['type']=='O': stack.append(e['frame'])
    else: stack.pop()
for b,w in cnt.most_common(): print(f'{100*w/tot:5.1f}%  {b}')
