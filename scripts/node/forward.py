#!/usr/bin/env python3
"""Forwards TCP connections from LISTEN_HOST:PORT to TARGET_HOST:PORT.

The API server of the cluster layer listens on 127.0.0.1 only, which pods cannot reach; the
node's address (10.88.0.1) is reachable from every pod, so this relays from there. The
`kubernetes` Service's EndpointSlice (scripts/node/up.sh) names this address.

usage: forward.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT
"""
import asyncio
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(listen_host, listen_port, target_host, target_port):
    async def relay(client_reader, client_writer):
        try:
            target_reader, target_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, target_writer), pipe(target_reader, client_writer))

    server = await asyncio.start_server(relay, listen_host, listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
