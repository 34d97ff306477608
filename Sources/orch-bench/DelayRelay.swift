#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// A TCP relay that holds every byte for `delay` in each direction: what `tc netem delay` does
/// on a link, for a kernel built without netem (`Specified qdisc kind is unknown`). The team-remote
/// benchmark runs it inside the remote's network namespace, in front of `git daemon`:
///
///     orch-bench --relay LISTEN_ADDRESS:PORT TARGET_ADDRESS:PORT DELAY_MS
///
/// A new connection's first bytes towards the server also wait for the handshake netem would
/// have delayed (one round trip), so a connection costs what it costs on the delayed link.
/// Byte order is kept per direction; a half-close is passed on after the same delay.
enum DelayRelay {
    static func main(_ arguments: [String]) -> Never {
        guard arguments.count == 3, let listen = Endpoint(arguments[0]), let target = Endpoint(arguments[1]),
              let milliseconds = Double(arguments[2]), milliseconds >= 0 else {
            FileHandle.standardError.write(Data("usage: orch-bench --relay LISTEN_ADDRESS:PORT TARGET_ADDRESS:PORT DELAY_MS\n".utf8))
            exit(2)
        }
        let delay = milliseconds / 1000
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = listen.address
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard server >= 0, bound == 0, Glibc.listen(server, 128) == 0 else {
            FileHandle.standardError.write(Data("orch-bench --relay: cannot listen on \(arguments[0]): \(String(cString: strerror(errno)))\n".utf8))
            exit(1)
        }
        while true {
            let client = accept(server, nil, nil)
            if client < 0 { continue }
            let accepted = now()
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var targetAddress = target.address
            let connected = withUnsafePointer(to: &targetAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            // Each chunk goes out when due, not held back by Nagle's algorithm waiting for an ACK.
            for fd in [client, upstream] { setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size)) }
            let connection = Connection(client: client, upstream: upstream)
            // The client's request arrives, on a delayed link, one round trip (the handshake) plus one
            // delay after the connection opened.
            Pipe(from: client, to: upstream, delay: delay, notBefore: accepted + 3 * delay, connection: connection).start()
            Pipe(from: upstream, to: client, delay: delay, notBefore: 0, connection: connection).start()
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    struct Endpoint {
        var address = sockaddr_in()
        init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, String(parts[0]), &address.sin_addr) == 1 else { return nil }
        }
    }

    /// Both sockets of one relayed connection, closed when both directions have ended.
    final class Connection: @unchecked Sendable {
        let client: Int32, upstream: Int32
        private let lock = NSLock()
        private var open = 2
        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }
        func directionEnded() {
            let last = lock.withLock { () -> Bool in
                open -= 1
                return open == 0
            }
            if last {
                close(client)
                close(upstream)
            }
        }
    }

    /// One direction: a reader stamps each chunk with when it may leave, a writer sends it then.
    final class Pipe: @unchecked Sendable {
        private let from: Int32, to: Int32, delay: Double, notBefore: Double
        private let connection: Connection
        private let condition = NSCondition()
        /// Chunks with their departure time; an empty chunk is the end of this direction.
        private var chunks: [(at: Double, bytes: [UInt8])] = []

        init(from: Int32, to: Int32, delay: Double, notBefore: Double, connection: Connection) {
            self.from = from
            self.to = to
            self.delay = delay
            self.notBefore = notBefore
            self.connection = connection
        }

        func start() {
            Thread.detachNewThread { self.read() }
            Thread.detachNewThread { self.write() }
        }

        private func read() {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            var last = notBefore
            while true {
                let count = buffer.withUnsafeMutableBytes { bytes in retryingOnEINTR { recv(from, bytes.baseAddress, bytes.count, 0) } }
                // Order is kept: a chunk never leaves before the one read before it.
                let at = max(last, DelayRelay.now() + delay)
                last = at
                condition.withLock {
                    chunks.append((at, count > 0 ? Array(buffer[0..<count]) : []))
                    condition.signal()
                }
                if count <= 0 { return }
            }
        }

        private func write() {
            defer { connection.directionEnded() }
            while true {
                let chunk = condition.withLock { () -> (at: Double, bytes: [UInt8]) in
                    while chunks.isEmpty { condition.wait() }
                    return chunks.removeFirst()
                }
                let wait = chunk.at - DelayRelay.now()
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
                if chunk.bytes.isEmpty {
                    shutdown(to, Int32(SHUT_WR))
                    return
                }
                var sent = 0
                while sent < chunk.bytes.count {
                    let count = chunk.bytes.withUnsafeBytes { bytes in
                        retryingOnEINTR { send(to, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                    }
                    if count <= 0 {
                        // The other side is gone: stop reading this direction too.
                        shutdown(from, Int32(SHUT_RD))
                        return
                    }
                    sent += count
                }
            }
        }
    }
}
