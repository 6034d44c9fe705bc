// The control server answers JSON lines on a 0600 Unix socket, passes SO_PEERCRED through,
// survives malformed and oversized requests, and refuses to steal a live socket.
#include "host/control/control_server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace espgw::control {
namespace {

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/espgw-ctl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/espd.sock";
    server_ = std::make_unique<ControlServer>(io_, path_, [this](const ControlRequest& r) {
      last_ = r;
      if (r.argv.empty()) return error_response("empty");
      return ok_text("echo:" + r.argv[0]);
    });
    work_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    io_.stop();
    work_.join();
    server_.reset();
    std::system(("rm -rf " + dir_).c_str());
  }

  // One request line, one reply line; bounded by SO_RCVTIMEO.
  std::string exchange(const std::string& line) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::send(fd, line.data(), line.size(), MSG_NOSIGNAL), static_cast<ssize_t>(line.size()));
    std::string reply;
    char buf[4096];
    while (reply.find('\n') == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
  }

  boost::asio::io_context io_;
  std::string dir_, path_;
  std::unique_ptr<ControlServer> server_;
  std::thread work_;
  ControlRequest last_;
};

TEST_F(ControlServerTest, AnswersOneJsonLinePerRequestWithPeerCredentials) {
  ControlRequest r;
  r.argv = {"show", "crypto", "map"};
  r.json = true;
  const auto reply = nlohmann::json::parse(exchange(serialize_request(r)));
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["text"], "echo:show");
  EXPECT_EQ(last_.uid, ::getuid());
  EXPECT_EQ(last_.pid, ::getpid());
  EXPECT_TRUE(last_.json);
  EXPECT_FALSE(last_.reveal_keys);
}

TEST_F(ControlServerTest, SocketIsModeZeroSixHundred) {
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ControlServerTest, MalformedRequestGetsAnErrorNotADisconnect) {
  const auto reply = nlohmann::json::parse(exchange("{not json\n"));
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(nlohmann::json::parse(exchange("{\"argv\": [1]}\n"))["ok"], false);
}

TEST_F(ControlServerTest, OversizedRequestIsRefused) {
  const auto reply = exchange(std::string(kMaxRequestBytes + 10, 'x'));
  ASSERT_FALSE(reply.empty());
  EXPECT_EQ(nlohmann::json::parse(reply)["error"], "request too large");
}

TEST_F(ControlServerTest, SecondServerOnALiveSocketRefusesToStart) {
  boost::asio::io_context other;
  EXPECT_THROW(ControlServer(other, path_, [](const ControlRequest&) { return ok_text(""); }), std::runtime_error);
}

TEST(ControlProtocol, RequestRoundTrips) {
  ControlRequest r;
  r.argv = {"export", "wireshark", "/tmp/x"};
  r.reveal_keys = true;
  std::string err;
  auto back = parse_request(serialize_request(r), &err);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->argv, r.argv);
  EXPECT_TRUE(back->reveal_keys);
  EXPECT_FALSE(parse_request("[]", &err));
  EXPECT_EQ(err, "request is not a JSON object");
}

}  // namespace
}  // namespace espgw::control
