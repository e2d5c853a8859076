// Package enum implements the JSON form of protobuf enums the way Mesos's
// stout JSON::protobuf writes and reads them (3rdparty/stout/include/stout/
// protobuf.hpp): an enum is written as its value name ("TASK_RUNNING") and
// read back from that name. It is shared by embedded/mesos and its
// scheduler and operator subpackages.
package enum
