// espd's HSRP (RFC 2281; IOS `standby N ...`): one ha::HsrpGroupDriver per `standby N` of
// every interface the config names, one UDP 1985 socket per interface, the interfaces' and
// tracked objects' line protocol polled from /sys/class/net/X/operstate (bounded interval),
// on takeover a macvlan child with the group's virtual MAC created (ha/virtual_mac.hpp), the
// VIP put on it and announced by gratuitous ARP; both removed on release (`standby use-bia`:
// the VIP on the interface itself, announced with its own MAC). The crypto map's
// `redundancy GROUP` role follows the group's Active state through the role handler.
// Control-loop thread only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "host/common/scheduler.hpp"
#include "host/config/config_model.hpp"
#include "host/espd/gateway_plan.hpp"
#include "host/ha/hsrp_group_driver.hpp"
#include "host/ha/hsrp_socket.hpp"

namespace espgw::espd {

// IOS "line protocol up" for a Linux interface: operstate up (or unknown, which virtual
// devices without carrier report while working). False when the interface does not exist.
bool linux_line_protocol_up(const std::string& linux_interface);

// `show standby --json`: one object per group (state, priorities, peers, VIP, timers, counters).
nlohmann::json standby_json(const std::vector<ha::HsrpGroupStatus>& groups);

class HaRuntime {
 public:
  // Called when a named group (`standby N name NAME`) becomes Active (true) or stops being
  // Active (false), after the VIP was added, before it is removed.
  using RoleHandler = std::function<void(const std::string& group_name, bool active)>;

  struct Options {
    std::chrono::milliseconds link_poll{100};  // how often line protocol is read
    // Where line protocol comes from (a test may substitute its own reading).
    std::function<bool(const std::string&)> line_protocol_up = linux_line_protocol_up;
  };

  HaRuntime(boost::asio::io_context& io, Scheduler& scheduler, Options options);
  ~HaRuntime();
  HaRuntime(const HaRuntime&) = delete;
  HaRuntime& operator=(const HaRuntime&) = delete;

  void set_role_handler(RoleHandler handler) { role_handler_ = std::move(handler); }

  // Starts (or, when the HSRP part of the config changed, restarts) the groups. Returns one
  // line per problem (an interface with `standby` that --ifmap does not map, no address,
  // socket errors); the groups that could start run.
  std::vector<std::string> apply(const config::Config& config, const IfMap& ifmap);
  // Resigns every Active group (a Resign lets the standby take over at once) and releases VIPs.
  void stop();

  bool empty() const { return groups_.empty(); }
  // Whether the named group is Active here (false when no such group).
  bool active(const std::string& group_name) const;
  std::vector<ha::HsrpGroupStatus> statuses() const;
  std::optional<ha::HsrpGroupStatus> status(const std::string& group_name) const;
  // Stateful HA (docs/ha.md "Split brain"): hold the named group out of Active (a better
  // active is alive on the sync channel) and/or hold its preempt (replica not in sync yet).
  void set_holds(const std::string& group_name, bool active_held, bool preempt_held);
  // Sends the gratuitous ARP for the named group's VIP again if it is Active here (the other
  // router held it during a split brain and stepped down).
  void announce(const std::string& group_name);

 private:
  struct Group {
    std::string linux_interface;
    int prefix_length = 32;
    ha::MacAddress mac{};  // the interface's burned-in address
    bool use_bia = false;  // `standby use-bia`: VIP on the interface, announced with `mac`
    std::string vmac_link;  // the macvlan child's name (docs/ha.md "Virtual MAC")
    // Where the VIP went on takeover and the MAC announced for it: the child and the virtual
    // MAC, or the interface and its BIA (use-bia, or the child could not be created).
    std::string vip_device;
    ha::MacAddress announced_mac{};
    std::unique_ptr<ha::HsrpGroupDriver> driver;
    bool active = false;
  };
  struct Link {
    std::string ios_interface, linux_interface;
    std::unique_ptr<ha::HsrpSocket> socket;
    std::vector<std::size_t> groups;  // indexes into groups_
    bool up = false;
  };
  struct TrackedObject {
    int object = 0;
    std::string linux_interface;  // empty: not mapped, stays up
    bool up = true;
  };

  void on_action(std::size_t group, const ha::HsrpAction& action);
  void announce_group(const Group& g);
  void remove_stale(const config::Config& config, const IfMap& ifmap);
  void take_vip(Group& g, const ha::HsrpAction& a);
  void release_vip(Group& g, std::uint32_t vip);
  void poll();
  void arm_poll();

  boost::asio::io_context& io_;
  Scheduler& scheduler_;
  Options options_;
  RoleHandler role_handler_;
  // The HSRP-relevant part of the applied config: a reload that leaves it alone keeps the groups.
  std::vector<config::Interface> applied_interfaces_;
  std::vector<config::Track> applied_tracks_;
  IfMap applied_ifmap_;
  bool applied_ = false;
  std::vector<Group> groups_;
  std::vector<Link> links_;
  std::vector<TrackedObject> tracks_;
  boost::asio::steady_timer poll_timer_;
};

}  // namespace espgw::espd
