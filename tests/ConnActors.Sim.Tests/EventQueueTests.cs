using CsCheck;
using ConnActors.Sim.Events;

namespace ConnActors.Sim.Tests;

public class EventQueueTests
{
    [Fact]
    public void Events_come_out_by_time_then_in_scheduling_order()
    {
        var queue = new EventQueue();
        var random = new Random(7);
        var expected = new List<(long Time, int Id)>();
        for (int id = 0; id < 2_000; id++)
        {
            long time = random.Next(50);
            queue.Schedule(time, EventKind.Sample, id);
            expected.Add((time, id));
        }
        var order = expected.OrderBy(e => e.Time).ThenBy(e => e.Id).Select(e => e.Id).ToList();
        var actual = new List<int>();
        while (queue.Count > 0) actual.Add(queue.Dequeue().A);
        Assert.Equal(order, actual);
    }

    [Fact]
    public void Events_scheduled_while_running_keep_the_order()
    {
        var queue = new EventQueue();
        queue.Schedule(10, EventKind.Sample, 1);
        queue.Schedule(5, EventKind.Sample, 2);
        var first = queue.Dequeue();
        queue.Schedule(5, EventKind.Sample, 3);
        queue.Schedule(10, EventKind.Sample, 4);
        Assert.Equal(2, first.A);
        Assert.Equal([3, 1, 4], new[] { queue.Dequeue().A, queue.Dequeue().A, queue.Dequeue().A });
    }

    [Fact]
    public void Scheduling_in_the_past_is_refused()
    {
        var queue = new EventQueue();
        queue.Schedule(100, EventKind.Sample);
        queue.Dequeue();
        Assert.Throws<InvalidOperationException>(() => queue.Schedule(99, EventKind.Sample));
    }

    [Fact]
    public void Dequeue_on_empty_throws()
    {
        Assert.Throws<InvalidOperationException>(() => new EventQueue().Dequeue());
    }
}

public class EventQueueLaneTests
{
    [Fact]
    public void Events_of_the_in_order_lane_interleave_with_the_heap_by_time_then_scheduling_order()
    {
        // Each op: (lane?, delay); lane events are scheduled at a constant delay after "now", as router lingers are.
        Gen.Select(Gen.Bool, Gen.Int[0, 30], Gen.Bool).Array[1, 300].Sample(ops =>
        {
            var queue = new EventQueue();
            var expected = new List<(long Time, int Id)>();
            var actual = new List<int>();
            long now = 0;
            int id = 0;
            foreach (var (lane, delay, take) in ops)
            {
                if (lane) queue.ScheduleInOrder(now + 20, EventKind.RouterRelease, id);
                else queue.Schedule(now + delay, EventKind.Sample, id);
                expected.Add((lane ? now + 20 : now + delay, id));
                id++;
                if (take)
                {
                    var e = queue.Dequeue();
                    now = e.TimeMs;
                    actual.Add(e.A);
                }
            }
            while (queue.Count > 0) actual.Add(queue.Dequeue().A);
            // Scheduling order is the id order, so (time, id) is the order one heap gives.
            Assert.Equal(expected.OrderBy(e => e.Time).ThenBy(e => e.Id).Select(e => e.Id), actual);
        });
    }

    [Fact]
    public void An_in_order_event_before_the_last_one_is_refused()
    {
        var queue = new EventQueue();
        queue.ScheduleInOrder(100, EventKind.RouterRelease, 1);
        Assert.Throws<InvalidOperationException>(() => queue.ScheduleInOrder(99, EventKind.RouterRelease, 2));
    }
}
