// Package httpauth is libprocess's HTTP basic authenticator and Mesos's credentials
// files, shared by the master and the agent: 3rdparty/libprocess/src/authenticator.cpp
// (BasicAuthenticator: 401 with a WWW-Authenticate challenge naming the realm) and
// src/credentials/credentials.hpp (the --credentials and --http_credentials formats).
//
// The realms are Mesos's (src/master/constants.hpp, src/slave/constants.hpp):
// mesos-master-readonly, mesos-master-readwrite, mesos-master-scheduler,
// mesos-agent-readonly and mesos-agent-readwrite. mesoscope has no SASL (the v0 driver
// protocol) and no custom authenticator modules.
package httpauth
