// SyncChannel (see sync_channel.hpp). Sessions are shared_ptrs so completion handlers that
// outlive a broken connection find it marked dead instead of freed; only the current session
// reports up, down and messages.
#include "host/ha/sync_channel.hpp"

#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "host/common/ipv4.hpp"

namespace espgw::ha {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {
constexpr int kMaxPendingHandshakes = 4;  // bounds what unauthenticated connects can hold
constexpr auto kHandshakeTimeout = 5s;
// A connect whose SYN went unanswered (the peer unreachable, e.g. a partition) is abandoned
// after this long, at least, instead of the kernel's minutes of SYN retries, so the channel
// returns within about two retry intervals of the path (docs/ha.md "Split brain").
constexpr auto kMinConnectTimeout = 500ms;
}  // namespace

struct SyncChannel::Session {
  explicit Session(asio::io_context& io, asio::ssl::context& ctx) : stream(io, ctx) {}
  asio::ssl::stream<tcp::socket> stream;
  std::array<std::uint8_t, kSyncFrameHeaderBytes> header{};
  SecureBuffer body;
  std::deque<SecureBuffer> outbox;
  bool writing = false;
  bool established = false;
  bool dead = false;
};

std::string sync_transport_note(const std::string& protocol) {
  if (protocol == "sctp")
    return "HA sync: `protocol sctp` configured; this kernel has no SCTP, the association runs over TCP with TLS 1.3";
  return "HA sync: the association runs over TCP with TLS 1.3";
}

SyncChannel::SyncChannel(asio::io_context& io, SyncChannelOptions options, Callbacks callbacks)
    : io_(io),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      tls_(options_.tls, options_.mode == SyncChannelOptions::Mode::kListen ? SyncTlsContext::Role::kServer
                                                                            : SyncTlsContext::Role::kClient),
      acceptor_(io),
      retry_timer_(io) {}

SyncChannel::~SyncChannel() { stop(); }

void SyncChannel::start() {
  stopped_ = false;
  spdlog::info("{}", sync_transport_note(options_.protocol));
  if (options_.mode == SyncChannelOptions::Mode::kListen) {
    tcp::endpoint ep(asio::ip::address_v4(options_.local_address), options_.local_port);
    boost::system::error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(1, ec);
    if (ec)
      throw std::runtime_error("HA sync: cannot listen on " + format_ipv4(options_.local_address) + ":" +
                               std::to_string(options_.local_port) + ": " + ec.message());
    accept_next();
  } else {
    connect_now();
  }
}

void SyncChannel::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  retry_timer_.cancel();
  acceptor_.close(ec);
  if (session_) {
    session_->dead = true;
    session_->stream.lowest_layer().close(ec);
    session_.reset();
  }
}

bool SyncChannel::up() const { return session_ && session_->established && !session_->dead; }

std::uint16_t SyncChannel::listening_port() const {
  boost::system::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void SyncChannel::accept_next() {
  auto session = std::make_shared<Session>(io_, tls_.native());
  acceptor_.async_accept(session->stream.lowest_layer(), [this, session](const boost::system::error_code& ec) {
    if (stopped_) return;
    if (ec) {
      spdlog::warn("HA sync: accept failed: {}", ec.message());
      accept_next();
      return;
    }
    // Until its handshake succeeds a new connection is nobody: it cannot displace the current
    // session (an unauthenticated connect must not cut replication), and it gets a deadline.
    if (pending_handshakes_ >= kMaxPendingHandshakes) {
      boost::system::error_code ignored;
      session->stream.lowest_layer().close(ignored);
      ++counters_.handshake_failures;
      accept_next();
      return;
    }
    ++pending_handshakes_;
    auto deadline = std::make_shared<asio::steady_timer>(io_, kHandshakeTimeout);
    deadline->async_wait([session](const boost::system::error_code& tec) {
      if (tec) return;  // the handshake finished first
      boost::system::error_code ignored;
      session->stream.lowest_layer().close(ignored);
    });
    session->stream.async_handshake(asio::ssl::stream_base::server,
                                    [this, session, deadline](const boost::system::error_code& hec) {
                                      deadline->cancel();
                                      --pending_handshakes_;
                                      if (stopped_) return;
                                      if (hec) {
                                        ++counters_.handshake_failures;
                                        fail(session, "TLS handshake failed: " + hec.message());
                                        return;
                                      }
                                      // An authenticated peer reconnected: it replaces the old
                                      // session, which may be half-dead without our knowing.
                                      if (session_) fail(session_, "replaced by a new connection from the peer");
                                      session_ = session;
                                      begin_session(session);
                                    });
    accept_next();
  });
}

void SyncChannel::connect_now() {
  if (stopped_) return;
  auto session = std::make_shared<Session>(io_, tls_.native());
  session_ = session;
  tcp::endpoint remote(asio::ip::address_v4(options_.remote_address), options_.remote_port);
  boost::system::error_code ec;
  auto& sock = session->stream.lowest_layer();
  sock.open(tcp::v4(), ec);
  if (!ec && options_.local_address != 0) sock.bind(tcp::endpoint(asio::ip::address_v4(options_.local_address), 0), ec);
  if (ec) {
    ++counters_.connect_failures;
    fail(session, "cannot open a socket: " + ec.message());
    return;
  }
  auto deadline = std::make_shared<asio::steady_timer>(
      io_, std::max<std::chrono::steady_clock::duration>(options_.retry_interval, kMinConnectTimeout));
  deadline->async_wait([session](const boost::system::error_code& tec) {
    if (tec) return;  // connected (or failed) first
    boost::system::error_code ignored;
    session->stream.lowest_layer().close(ignored);  // the connect completes with operation_aborted
  });
  sock.async_connect(remote, [this, session, deadline](const boost::system::error_code& cec) {
    deadline->cancel();
    if (session->dead) return;
    if (cec) {
      ++counters_.connect_failures;
      fail(session, cec == asio::error::operation_aborted ? std::string("connect timed out (no answer from the peer)")
                                                          : "connect failed: " + cec.message());
      return;
    }
    session->stream.async_handshake(asio::ssl::stream_base::client,
                                    [this, session](const boost::system::error_code& hec) {
                                      if (session->dead) return;
                                      if (hec) {
                                        ++counters_.handshake_failures;
                                        fail(session, "TLS handshake failed: " + hec.message());
                                        return;
                                      }
                                      begin_session(session);
                                    });
  });
}

void SyncChannel::schedule_retry() {
  if (stopped_ || options_.mode != SyncChannelOptions::Mode::kConnect) return;
  retry_timer_.expires_after(options_.retry_interval);
  retry_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) connect_now();
  });
}

void SyncChannel::begin_session(std::shared_ptr<Session> session) {
  session->established = true;
  ++counters_.connects;
  failure_logged_ = false;
  spdlog::info("HA sync: connected to peer (TLS 1.3, {})", tls_.uses_psk() ? "pre-shared key" : "certificates");
  read_header(session);
  if (callbacks_.on_up) callbacks_.on_up();
}

void SyncChannel::send(const SyncMessage& msg) {
  if (!up()) {
    ++counters_.dropped_while_down;
    return;
  }
  SecureBuffer frame;
  encode_sync_message(msg, frame);
  session_->outbox.push_back(std::move(frame));
  if (!session_->writing) write_next(session_);
}

void SyncChannel::write_next(std::shared_ptr<Session> session) {
  if (session->dead || session->outbox.empty()) {
    session->writing = false;
    return;
  }
  session->writing = true;
  const SecureBuffer& frame = session->outbox.front();
  asio::async_write(session->stream, asio::buffer(frame.data(), frame.size()),
                    [this, session](const boost::system::error_code& ec, std::size_t n) {
                      if (session->dead) return;
                      session->outbox.pop_front();  // zeroized as it goes
                      if (ec) {
                        fail(session, "write failed: " + ec.message());
                        return;
                      }
                      ++counters_.frames_out;
                      counters_.bytes_out += n;
                      write_next(session);
                    });
}

void SyncChannel::read_header(std::shared_ptr<Session> session) {
  asio::async_read(session->stream, asio::buffer(session->header),
                   [this, session](const boost::system::error_code& ec, std::size_t) {
                     if (session->dead) return;
                     if (ec) {
                       fail(session, ec == asio::error::eof ? "peer closed the connection" : "read failed: " + ec.message());
                       return;
                     }
                     auto len = *sync_frame_length(session->header);
                     if (len > kSyncMaxFrameBytes) {
                       ++counters_.decode_errors;
                       fail(session, "peer sent a frame longer than 16 KiB");
                       return;
                     }
                     read_body(session, len - kSyncFrameHeaderBytes);
                   });
}

void SyncChannel::read_body(std::shared_ptr<Session> session, std::size_t length) {
  session->body.clear();
  session->body.append(session->header);
  std::vector<std::uint8_t> zeros(length);
  session->body.append(zeros);
  asio::async_read(session->stream,
                   asio::buffer(session->body.mutable_view().subspan(kSyncFrameHeaderBytes).data(), length),
                   [this, session](const boost::system::error_code& ec, std::size_t) {
                     if (session->dead) return;
                     if (ec) {
                       fail(session, "read failed: " + ec.message());
                       return;
                     }
                     ++counters_.frames_in;
                     counters_.bytes_in += session->body.size();
                     auto decoded = decode_sync_message(session->body.view());
                     session->body.clear();
                     if (auto* err = std::get_if<SyncDecodeError>(&decoded)) {
                       ++counters_.decode_errors;
                       fail(session, "bad frame at offset " + std::to_string(err->offset) + ": " + err->reason);
                       return;
                     }
                     if (callbacks_.on_message) callbacks_.on_message(std::get<SyncMessage>(decoded));
                     if (!session->dead) read_header(session);
                   });
}

void SyncChannel::drop(const std::string& reason) {
  if (session_) fail(session_, reason);
}

void SyncChannel::fail(const std::shared_ptr<Session>& session, const std::string& reason) {
  if (session->dead) return;
  session->dead = true;
  bool was_up = session->established;
  boost::system::error_code ec;
  session->stream.lowest_layer().close(ec);
  session->outbox.clear();
  if (session == session_) session_.reset();
  if (was_up) {
    ++counters_.disconnects;
    spdlog::warn("HA sync: connection lost: {}", reason);
    if (callbacks_.on_down) callbacks_.on_down(reason);
  } else if (!failure_logged_) {
    failure_logged_ = true;  // one line per outage, not one per retry
    spdlog::warn("HA sync: {} (retrying every {} ms)", reason, options_.retry_interval.count());
  }
  if (session_ == nullptr) schedule_retry();
}

}  // namespace espgw::ha
