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
