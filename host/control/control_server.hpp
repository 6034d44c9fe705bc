// The control socket: a Unix stream socket (mode 0600) served on the daemon's Boost.Asio
// loop. Each connection sends request lines and reads one response line per request; the
// caller's uid comes from SO_PEERCRED so privileged commands can check it.
#pragma once

#include <functional>
#include <utility>
#include <memory>
#include <string>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "host/control/control_protocol.hpp"

namespace espgw::control {

class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const ControlRequest&)>;

  // Binds `path` (replacing a stale socket file, refusing a live one) and starts accepting.
  // Throws std::runtime_error with the reason.
  ControlServer(boost::asio::io_context& io, std::string path, Handler handler);
  ~ControlServer();  // closes and unlinks the socket
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return path_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  std::string path_;
  Handler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
};

}  // namespace espgw::control
