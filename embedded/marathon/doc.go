// Package marathon is a Marathon-like app scheduler: a Mesos framework
// that speaks only the v1 scheduler HTTP API (through embedded/schedclient)
// and keeps long-running apps running, with Marathon's REST API and JSON
// for what it supports. It models mesosphere/marathon 1.10/1.11; file and
// function names of Marathon's Scala source are cited where a behaviour is
// taken from them.
//
//	REST (/v2/apps, /v2/queue, ...)          schedclient (HTTP)              master
//	      │ do(func(core, now))                   │ events                      │
//	      ▼                                       ▼                             │
//	┌──────────────────── loop goroutine ─────────────────────┐                 │
//	│ core: apps, instances, launch queue + offer statistics, │                 │
//	│ RateLimiter, deployments, reviver, reconciliation       │                 │
//	│ (synchronous: every input carries the time)             │                 │
//	└──────────┬──────────────────────────────────────────────┘                 │
//	           │ Actions (LAUNCH, DECLINE, KILL, ACK, REVIVE, ...)              │
//	           ▼                                                                │
//	   offer workers ── ACCEPT / DECLINE ──────────────────────────────────────►│
//	   call workers ── KILL / ACKNOWLEDGE ─────────────────────────────────────►│
//	   control worker ── SUPPRESS / REVIVE / RECONCILE (in order) ─────────────►│
//
// Use from Go (what `mesoscope marathon` does):
//
//	m, err := marathon.New(marathon.Config{Master: "http://127.0.0.1:5050", HTTPListener: ln, Logger: log})
//	err = m.Start(ctx)
//	id, err := m.Deploy(ctx, &marathon.App{ID: "/analytics", Cmd: "sleep 600", CPUs: 6, Mem: 8192, Instances: 1})
//	defer m.Stop(ctx)
//
// What it models:
//
//   - Apps (AppDefinition): id, cmd or args, user, env, cpus, mem, disk,
//     gpus, instances, role, acceptedResourceRoles, portDefinitions (or
//     the deprecated ports) with requirePorts, fetch (or uris),
//     constraints, backoffSeconds/backoffFactor/maxLaunchDelaySeconds,
//     upgradeStrategy, COMMAND healthChecks, killSelection, labels,
//     taskKillGracePeriodSeconds; defaults of app.raml (Marathon 1.10:
//     maxLaunchDelaySeconds 300, one "default" dynamic port when no ports
//     are given). Every other field is refused with 422 and Marathon's
//     {"message": "Object is not valid", "details": [...]} body naming it,
//     unless it carries nothing (null, [], {}, false) — so a GET can be
//     PUT back.
//   - Offer matching (ResourceMatcher.matchResources): resources selected
//     by role, cpus/mem/gpus/disk, the role, constraints (hostname,
//     @hostname, @region, @zone or agent attributes with UNIQUE, CLUSTER,
//     GROUP_BY, LIKE, UNLIKE, MAX_PER, IS, as Constraints.scala), agent
//     maintenance, GPU scarcity (--gpu_scheduling_behavior=restricted),
//     then ports (PortsMatcher). Offers go to apps of their allocation
//     role in random order, one instance per match, up to
//     --max_instances_per_offer; unmatched offers are declined for
//     --decline_offer_duration, accepted ones with refuse_seconds 0.
//   - The launch queue (/v2/queue): count, role, since, delay
//     (timeLeftSeconds, overdue, with Marathon's truncation), and
//     processedOffersSummary with the decline funnel
//     (NoOfferMatchReason.reasonFunnel, QueueInfoConversion), both over
//     the launch attempt and over the last unmatched offer of each agent;
//     ?embed=lastUnusedOffers lists those offers with every reason.
//     Statistics start afresh with each launch attempt.
//   - Backoff (RateLimiter): a delay per app configuration that grows by
//     backoffFactor on each failed, finished, errored, dropped or gone
//     task, restarts its countdown when a task stages, starts or runs,
//     and is dropped maxLaunchDelaySeconds after its last change, by a
//     restart or by DELETE /v2/queue/{id}/delay.
//   - Deployments (DeploymentPlan): create = StartApplication then
//     ScaleApplication; a change of instances only = ScaleApplication
//     (kill selection: ScalingProposition, YOUNGEST_FIRST/OLDEST_FIRST,
//     GROUP_BY balance); any other change or /restart =
//     RestartApplication (TaskReplaceActor with computeRestartStrategy:
//     minimumHealthCapacity and maximumOverCapacity); delete =
//     StopApplication. A change to an app under deployment is a 409
//     unless ?force=true; DELETE /v2/deployments/{id} rolls back.
//   - Suppress and revive (ReviveOffersStreamLogic): roles without
//     instances to launch are suppressed, roles that get some (or whose
//     backoff ends) are revived, at most once per
//     --min_revive_offers_interval.
//   - Failover and reconciliation: the framework id, apps, instances and
//     deployments are kept in a Store (ZooKeeper's role); a restarted
//     scheduler subscribes with the saved id. After every SUBSCRIBED,
//     once --reconciliation_initial_delay has passed, and then every
//     --reconciliation_interval, it reconciles explicitly (every known
//     task) and implicitly; tasks it does not know are killed; updates
//     are acknowledged after they are processed.
//
// Deliberate differences from Marathon:
//
//   - No groups, pods, dependencies, containers, networks, secrets,
//     readiness checks, persistent volumes, resident tasks, HTTP/TCP
//     health checks or event stream (/v2/events): they are refused (422)
//     or not served. Only COMMAND health checks are supported, and they
//     run in Mesos (TaskInfo.health_check): mesoscope's agent runs them and
//     reports the task's health in its status updates (tasksHealthy,
//     healthCheckResults), and deployments wait for health as Marathon's do.
//   - Resident tasks are not supported, so the NoCorrespondingReservationFound
//     step of the decline funnel never declines; AgentMaintenance declines
//     only offers with an unavailability, which the embedded master does not
//     set (no maintenance schedules).
//   - When the master removes the framework, the scheduler stops (Failed, Err)
//     and forgets the framework id, as Marathon commits suicide; `mesoscope
//     marathon` then exits with the reason.
//   - The framework is not PARTITION_AWARE: unreachable agents' tasks come
//     back as TASK_LOST and are replaced at once (Marathon's default
//     unreachableStrategy does the same after 0 s).
//   - Scale-down kills instances still waiting for an offer first;
//     Marathon's ScalingProposition weighs them like running ones.
//   - GROUP_BY without a count spreads over the values seen so far (the
//     documented behaviour; Constraints.checkGroupBy divides by zero).
//   - Scaling is PUT {"instances": n} (or DELETE .../tasks?scale=true), as
//     in Marathon, which has no /scale endpoint; Marathon.Scale does it from
//     Go. PUT and PATCH are partial updates unless ?partialUpdate=false; a "version" member (rollback by version) is ignored like
//     the other read-only members, and only the previous definition is
//     kept for rollbacks (DELETE /v2/deployments/{id}).
//   - Task ids are "<app>.<uuid>" (Marathon 1.x's older format), which the
//     inspector maps back to apps. Ids come from a random source of their
//     own, so a restarted scheduler never reuses one; Config.Seed drives
//     only the offer order and host port choice.
//   - args run without a shell with args[0] as the executable, as
//     TaskBuilder does; mesoscope's containerizer wants that executable as
//     an absolute path.
//   - State is saved as one JSON document (Store), debounced to once a
//     second except before launches, which are saved first. Backoff
//     delays and offer statistics are not saved (Marathon keeps them in
//     memory too).
//   - One process, no leader election: /v2/info says elected; there is
//     no /v2/leader DELETE, no authentication.
//   - Activity (not in Marathon) reports, between two turns of the loop,
//     the calls decided and not yet made and when the loop's timer is set,
//     so a driver that feeds the scheduler its events one by one (the
//     walkthroughs) knows exactly when it has gone quiet.
package marathon
