package dev.tandem.agent;

import dev.tandem.agent.election.ElectionListener;
import dev.tandem.vrrp.Action;
import dev.tandem.vrrp.RouterState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the agent's readiness probe reports: ready while this member takes part in its pair's election as MASTER or
 * BACKUP, so that a rolling update of the DaemonSet waits for a restarted member to be able to take over again before
 * it stops the next one. Not ready before the first election started (no plan yet), in FAULT (carrier lost, a failing
 * health check) and after a stop.
 */
public final class AgentHealth implements ElectionListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile RouterState state = RouterState.INITIALIZE;
    private volatile String detail = "the election has not started";

    @Override
    public void transition(Action.Transition transition, long takeoverMillis) {
        state = transition.to();
        detail = transition instanceof Action.EnterFault f ? f.detail() : transition.reason().label();
    }

    public boolean ready() {
        RouterState s = state;
        return s == RouterState.MASTER || s == RouterState.BACKUP;
    }

    public RouterState state() {
        return state;
    }

    /** The readiness answer in the shape of MicroProfile Health, which the operator's probes also get. */
    public String readinessJson() {
        String status = ready() ? "UP" : "DOWN";
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", "election");
        check.put("status", status);
        check.put("data", Map.of("state", state.name(), "detail", detail));
        try {
            return JSON.writeValueAsString(Map.of("status", status, "checks", List.of(check)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the readiness answer", e);
        }
    }
}
