// The task contract (after strongSwan's task_t): an exchange is a set of tasks. build()
// adds payloads to an outgoing message, process() reads an incoming one. An initiator task
// builds then processes; a responder processes then builds. NeedMore keeps the task for the
// next message, Done retires it, Failed makes the manager tear the exchange down (the task
// has already logged one line saying why and, if any, set the notify to send).
#pragma once

#include <optional>

#include "host/ike/message.hpp"

namespace espgw::ike {

enum class TaskStatus { kDone, kNeedMore, kFailed };

class Task {
 public:
  virtual ~Task() = default;
  virtual TaskStatus build(Message& out) = 0;
  virtual TaskStatus process(const Message& in) = 0;
  virtual const char* name() const = 0;
  // The notify to answer a failure with (NO-PROPOSAL-CHOSEN, ...), if any.
  std::optional<NotifyType> failure_notify() const { return failure_notify_; }

 protected:
  // Records the notify to answer with and ends the task.
  TaskStatus fail(NotifyType notify) {
    failure_notify_ = notify;
    return TaskStatus::kFailed;
  }
  std::optional<NotifyType> failure_notify_;
};

// Adds a payload while building.
template <class T>
void add_payload(Message& m, T payload) {
  m.payloads.push_back(PayloadEntry{Payload{std::move(payload)}, 0, 0});
}

}  // namespace espgw::ike
