// Boost.Asio Unix-socket server for JSON-lines control requests (see the header).
#include "host/control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

namespace espgw::control {

namespace {

using boost::asio::local::stream_protocol;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(stream_protocol::socket socket, ControlServer::Handler& handler)
      : socket_(std::move(socket)), handler_(handler) {}

  void start() {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      uid_ = cred.uid;
      pid_ = cred.pid;
    }
    read();
  }

 private:
  void read() {
    auto self = shared_from_this();
    boost::asio::async_read_until(socket_, boost::asio::dynamic_buffer(buffer_, kMaxRequestBytes), '\n',
                                  [self](boost::system::error_code ec, std::size_t n) { self->on_line(ec, n); });
  }

  void on_line(boost::system::error_code ec, std::size_t n) {
    if (ec) {
      if (ec == boost::asio::error::not_found) write(error_response("request too large").dump() + "\n", false);
      return;
    }
    std::string line = buffer_.substr(0, n);
    buffer_.erase(0, n);
    std::string error;
    nlohmann::json response;
    if (auto req = parse_request(line, &error)) {
      req->uid = uid_;
      req->pid = pid_;
      try {
        response = handler_(*req);
      } catch (const std::exception& e) {
        response = error_response(e.what());
      }
    } else {
      response = error_response(error);
    }
    write(response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", true);
  }

  void write(std::string text, bool again) {
    auto self = shared_from_this();
    out_ = std::move(text);
    boost::asio::async_write(socket_, boost::asio::buffer(out_), [self, again](boost::system::error_code ec, std::size_t) {
      if (!ec && again) self->read();
    });
  }

  stream_protocol::socket socket_;
  ControlServer::Handler& handler_;
  std::string buffer_, out_;
  uid_t uid_ = static_cast<uid_t>(-1);
  pid_t pid_ = 0;
};

}  // namespace

ControlServer::ControlServer(boost::asio::io_context& io, std::string path, Handler handler)
    : io_(io), path_(std::move(path)), handler_(std::move(handler)), acceptor_(io) {
  // A socket file nobody answers on is stale (a crashed espd); a live one means another espd.
  {
    stream_protocol::socket probe(io_);
    boost::system::error_code ec;
    probe.connect(stream_protocol::endpoint(path_), ec);
    if (!ec) throw std::runtime_error("control socket " + path_ + " is in use by another espd");
    ::unlink(path_.c_str());
  }
  const mode_t old = ::umask(0177);  // the socket is created 0600
  boost::system::error_code ec;
  acceptor_.open(stream_protocol(), ec);
  if (!ec) acceptor_.bind(stream_protocol::endpoint(path_), ec);
  ::umask(old);
  if (!ec) acceptor_.listen(16, ec);
  if (ec) throw std::runtime_error("control socket " + path_ + ": " + ec.message());
  ::chmod(path_.c_str(), 0600);
  accept();
}

ControlServer::~ControlServer() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  ::unlink(path_.c_str());
}

void ControlServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, stream_protocol::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler_)->start();
    accept();
  });
}

}  // namespace espgw::control
