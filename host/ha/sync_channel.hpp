// The stateful-failover channel: one TLS 1.3 connection over TCP between the two routers of
// an `ipc zone default` association. IOS runs SCTP there; this kernel has none, so
// `protocol sctp` is accepted and carried over TCP (logged once at start). One side listens,
// the other connects and reconnects after any break (every retry_interval, an Asio timer);
// on_up then fires on both sides, and the active answers it with a full resync.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "host/ha/sync_messages.hpp"
#include "host/ha/sync_tls.hpp"

namespace espgw::ha {

struct SyncChannelOptions {
  enum class Mode { kListen, kConnect };
  Mode mode = Mode::kListen;
  std::string protocol = "sctp";  // as configured; TCP carries it either way
  std::uint32_t local_address = 0;  // host byte order; 0 = any
  std::uint16_t local_port = 0;     // 0: an ephemeral port (tests)
  std::uint32_t remote_address = 0;
  std::uint16_t remote_port = 0;
  std::chrono::milliseconds retry_interval{1000};
  SyncTlsConfig tls;
};

// The log line for the configured transport (IOS's `protocol sctp`).
std::string sync_transport_note(const std::string& protocol);

struct SyncChannelCounters {
  std::uint64_t connects = 0;            // TLS sessions established
  std::uint64_t handshake_failures = 0;  // wrong key or certificate, or not TLS at all
  std::uint64_t connect_failures = 0;    // TCP refused or unreachable
  std::uint64_t disconnects = 0;
  std::uint64_t frames_out = 0, frames_in = 0, bytes_out = 0, bytes_in = 0;
  std::uint64_t decode_errors = 0;     // a bad frame from an authenticated peer: connection reset
  std::uint64_t dropped_while_down = 0;  // covered by the resync after reconnect
};

class SyncChannel {
 public:
  struct Callbacks {
    std::function<void()> on_up;
    std::function<void(const SyncMessage&)> on_message;
    std::function<void(const std::string& reason)> on_down;
  };

  SyncChannel(boost::asio::io_context& io, SyncChannelOptions options, Callbacks callbacks);
  ~SyncChannel();
  SyncChannel(const SyncChannel&) = delete;
  SyncChannel& operator=(const SyncChannel&) = delete;

  // Listens (binding now, so listening_port() is known on return) or starts connecting.
  // Throws std::runtime_error when the address cannot be bound.
  void start();
  void stop();

  // Queues one message; while down it is dropped and counted.
  void send(const SyncMessage& msg);

  // Drops the current session (logged with `reason`, on_down runs); the connecting side
  // reconnects after retry_interval. For a peer that stopped talking but whose TCP
  // connection lingers (a partition drops packets, it sends no RST).
  void drop(const std::string& reason);

  bool up() const;
  std::uint16_t listening_port() const;
  const SyncChannelCounters& counters() const { return counters_; }

 private:
  struct Session;
  void accept_next();
  void connect_now();
  void schedule_retry();
  void begin_session(std::shared_ptr<Session> session);
  void read_header(std::shared_ptr<Session> session);
  void read_body(std::shared_ptr<Session> session, std::size_t length);
  void write_next(std::shared_ptr<Session> session);
  void fail(const std::shared_ptr<Session>& session, const std::string& reason);

  boost::asio::io_context& io_;
  SyncChannelOptions options_;
  Callbacks callbacks_;
  SyncTlsContext tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<Session> session_;
  bool stopped_ = true;
  bool failure_logged_ = false;
  int pending_handshakes_ = 0;
  SyncChannelCounters counters_;
};

}  // namespace espgw::ha
